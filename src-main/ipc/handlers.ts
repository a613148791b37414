/**
 * The main-process side of every channel: validate the raw argument with the channel's zod schema
 * first (so a bad argument never reaches the core), then call the app services, and answer with
 * an envelope whose error is one line. Electron's ipcMain and the HTTP test bridge both call
 * `invokeChannel`, so the renderer is tested against exactly these handlers.
 */
import type { z } from 'zod';
import { BeatlensError, isBeatlensError } from '../errors';
import { CHANNELS } from './contract';
import type { Channel, Envelope, Results } from './contract';
import { argSchemas } from './schemas';

/** Parsed (output) argument type of a channel. */
export type ParsedArgs<C extends Channel> = z.output<(typeof argSchemas)[C]>;

/** One implementation per channel; `src-main/app/services.ts` provides them from the core modules. */
export type ChannelImpl = {
  [C in Channel]: (args: ParsedArgs<C>) => Results[C] | Promise<Results[C]>;
};

export type Handlers = {
  [C in Channel]: (raw: unknown) => Promise<Envelope<Results[C]>>;
};

/** Turns the first zod issue into `channel: field problem` on one line. */
function describeIssue(channel: Channel, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'argument';
  return `${channel}: ${where}: ${issue.message}`.replace(/\s*\n\s*/g, ' ');
}

export function validateArgs<C extends Channel>(channel: C, raw: unknown): ParsedArgs<C> {
  const parsed = argSchemas[channel].safeParse(raw ?? {});
  if (!parsed.success) {
    throw new BeatlensError('ipc-bad-argument', describeIssue(channel, parsed.error));
  }
  return parsed.data as ParsedArgs<C>;
}

/** Errors cross the boundary as code + one-line message; unexpected errors keep only their message. */
export function toErrorEnvelope(e: unknown): { ok: false; code: string; message: string } {
  if (isBeatlensError(e)) return { ok: false, code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, code: 'internal', message: message.split('\n')[0] };
}

export function createHandlers(impl: ChannelImpl): Handlers {
  const handlers = {} as Record<Channel, (raw: unknown) => Promise<Envelope<unknown>>>;
  for (const channel of CHANNELS) {
    handlers[channel] = async (raw: unknown) => {
      try {
        const args = validateArgs(channel, raw);
        const fn = impl[channel] as (a: unknown) => unknown;
        return { ok: true, value: await fn(args) };
      } catch (e) {
        return toErrorEnvelope(e);
      }
    };
  }
  return handlers as Handlers;
}

/** Dispatch by a channel name that came from outside (IPC or HTTP): unknown names are errors. */
export async function invokeChannel(
  handlers: Handlers,
  channel: string,
  raw: unknown,
): Promise<Envelope<unknown>> {
  if (!(CHANNELS as string[]).includes(channel)) {
    return { ok: false, code: 'ipc-unknown-channel', message: `unknown channel '${channel}'` };
  }
  return handlers[channel as Channel](raw);
}
