import type { FormError } from './validateMessage.js';

/**
 * Application-command checks from Discord's documentation.
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-naming
 */

interface Choice {
  name: string;
  value: string | number;
}

interface CommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Choice[];
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  options?: CommandOption[];
}

/** An application command as sent in a bulk overwrite. */
export interface CommandBody {
  name: string;
  description: string;
  type?: number;
  options?: CommandOption[];
  default_member_permissions?: string | null;
  dm_permission?: boolean;
  contexts?: number[];
  integration_types?: number[];
}

// CHAT_INPUT names: 1-32 characters, lowercase where the script has case.
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const STRING = 3;
const INTEGER = 4;
const NUMBER = 10;

function checkName(errors: FormError[], path: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name) || name !== name.toLowerCase()) {
    errors.push({ path: `${path}.name`, message: 'Invalid name: 1-32 lowercase letters, digits, - or _' });
  }
}

function checkDescription(errors: FormError[], path: string, description: unknown): void {
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    errors.push({ path: `${path}.description`, message: 'Must be between 1 and 100 in length.' });
  }
}

function checkOption(errors: FormError[], path: string, option: CommandOption): void {
  checkName(errors, path, option.name);
  checkDescription(errors, path, option.description);
  if (option.choices !== undefined) {
    if (![STRING, INTEGER, NUMBER].includes(option.type))
      errors.push({ path: `${path}.choices`, message: 'Only string, integer and number options take choices' });
    if (option.choices.length > 25) errors.push({ path: `${path}.choices`, message: 'Must be 25 or fewer in length.' });
    option.choices.forEach((c, i) => {
      if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100)
        errors.push({ path: `${path}.choices[${i}].name`, message: 'Must be between 1 and 100 in length.' });
      if (option.type === STRING && (typeof c.value !== 'string' || c.value.length > 100))
        errors.push({ path: `${path}.choices[${i}].value`, message: 'Must be a string of 100 or fewer' });
    });
  }
  // "autocomplete may not be set to true if choices are present."
  if (option.autocomplete && option.choices && option.choices.length > 0) {
    errors.push({ path: `${path}.autocomplete`, message: 'Autocomplete cannot be used with choices' });
  }
  if (option.autocomplete && ![STRING, INTEGER, NUMBER].includes(option.type)) {
    errors.push({ path: `${path}.autocomplete`, message: 'Only string, integer and number options autocomplete' });
  }
  if (option.min_value !== undefined && option.max_value !== undefined && option.min_value > option.max_value) {
    errors.push({ path: `${path}.min_value`, message: 'min_value must not exceed max_value' });
  }
  if (option.min_length !== undefined && (option.min_length < 0 || option.min_length > 6000))
    errors.push({ path: `${path}.min_length`, message: 'Must be 0..6000' });
  if (option.max_length !== undefined && (option.max_length < 1 || option.max_length > 6000))
    errors.push({ path: `${path}.max_length`, message: 'Must be 1..6000' });
}

/** Every documented rule a bulk-overwrite body breaks; empty when Discord would accept it. */
export function validateCommands(body: unknown): FormError[] {
  if (!Array.isArray(body)) return [{ path: '', message: 'Must be an array of commands' }];
  const errors: FormError[] = [];
  const names = new Set<string>();
  (body as CommandBody[]).forEach((command, i) => {
    const path = `${i}`;
    checkName(errors, path, command.name);
    checkDescription(errors, path, command.description);
    if (names.has(command.name)) errors.push({ path: `${path}.name`, message: 'Application command names must be unique' });
    names.add(command.name);
    const options = command.options ?? [];
    if (options.length > 25) errors.push({ path: `${path}.options`, message: 'Must be 25 or fewer in length.' });
    let optionalSeen = false;
    options.forEach((option, j) => {
      checkOption(errors, `${path}.options[${j}]`, option);
      // "Required options must be listed before optional options."
      if (option.required && optionalSeen)
        errors.push({ path: `${path}.options[${j}].required`, message: 'Required options must be placed before non-required options' });
      if (!option.required) optionalSeen = true;
    });
    if (command.default_member_permissions != null && !/^\d+$/.test(command.default_member_permissions)) {
      errors.push({ path: `${path}.default_member_permissions`, message: 'Must be a permission bit set as a string' });
    }
  });
  return errors;
}
