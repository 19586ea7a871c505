/**
 * What can be asked of the account's force-order history, and what the answer looks like: the
 * validated query, the archive port that serves windows older than the exchange keeps, and the result
 * model every adapter renders. It sits below `commands/`, the store and the renderers so that none of
 * them has to import another's layer to share these types.
 */

import type { AccountInformation, AdlQuantile } from './binance/AccountClient.js';
import type { ForceOrder, ForceOrderKind, FuturesMarket } from './binance/types.js';

/** A validated `/forceorders` request, whatever platform it was typed on. */
export interface ForceOrdersQuery {
  /** A symbol (`BTCUSD_PERP`, `BTCUSD_261225`) or a pair (`BTCUSD`); absent = every symbol. */
  target?: { type: 'symbol' | 'pair'; value: string };
  /** Absent = every kind. SETTLEMENT cannot be asked of Binance (`autoCloseType` takes LIQUIDATION or ADL): it is filtered here. */
  kind?: ForceOrderKind;
  /** How far back, in ms (default 24 h). */
  sinceMs: number;
  /** Rows to show (default 20, 1..100). */
  limit: number;
  /** Answer in the channel instead of privately. */
  public: boolean;
}

/** The archive port the command reads for windows older than the exchange serves (7 days). */
export interface ArchiveReader {
  /** Orders with `startTime <= updateTime <= endTime`, any order; each order once. */
  read(window: { startTime: number; endTime: number }): Promise<ForceOrder[]>;
}

/** Where an answer came from; `archive` parts are what the bot saw, not Binance's word. */
export type ResultSource = 'exchange' | 'archive' | 'exchange+archive';

/** The result model each adapter renders (Slack blocks, Discord embeds, console text). */
export type ForceOrdersResult =
  | {
      ok: true;
      query: ForceOrdersQuery;
      /** Newest first, at most `query.limit`. */
      rows: ForceOrder[];
      /** How many orders matched in all (rows may show fewer). */
      total: number;
      /** Over every match; settlement closes (delivery/delisting) counted apart from liquidations. */
      totals: { notionalUsd: string; liquidations: number; adl: number; settlement: number };
      window: { startTime: number; endTime: number };
      /** Where the answer came from. */
      source: ResultSource;
      /** Request weight the query spent at Binance. */
      weightSpent: number;
      /** A plain-language note for the reader (e.g. "older than 7 days: from the bot's archive"). */
      note?: string;
    }
  | CommandRefusal;

/** Why a command gave no answer, the same for every command: each adapter renders it the same way. */
export interface CommandRefusal {
  ok: false;
  /** Short and specific: what was wrong with the input, or what Binance said. */
  error: string;
  /** The usage line, shown under the error. */
  usage: string;
  /** Whether the user can fix it (bad input) or it is on our side (exchange down). */
  reason: 'input' | 'exchange';
}

/** One book's position in the ADL queue, as `/risk` lists it. */
export interface RiskPosition extends AdlQuantile {
  market: FuturesMarket;
  /** The highest of its sides' quantiles: 0 (last in the ADL queue) to 4 (first). */
  highest: number;
}

/** The `/risk` result model each adapter renders: the account's risk now, or why it could not be read. */
export type RiskResult =
  | {
      ok: true;
      /** Answer in the channel instead of privately. */
      public: boolean;
      account: AccountInformation;
      /** Every position of the books asked, highest quantile first. */
      positions: RiskPosition[];
      /** When the bot asked (its clock). */
      askedAt: number;
      /** Request weight spent at Binance (the account 20, each book 5). */
      weightSpent: number;
      /** A plain-language note, e.g. a book whose quantiles could not be read. */
      note?: string;
    }
  | CommandRefusal;

/**
 * One account's answer to a command: a command without an account word, typed in a channel several
 * accounts alert to, is answered once per account, each under its name (`account`).
 */
export interface AccountAnswer<Result> {
  /** Undefined for a bot's only account left unnamed (the BINANCE_* variables without FORCEWATCH_ACCOUNT_NAME): answers read as before accounts. */
  account?: string;
  result: Result;
}
