/**
 * The connection's transport, chosen from the command line the way
 * vscode-languageserver does (--stdio, --node-ipc, --socket=N, --pipe=NAME),
 * but with the message reader in hand: the library hands reader errors (a
 * frame without Content-Length, a body that is not JSON) to no one, and after
 * a broken frame the stream is out of step for good, so the server would sit
 * silent forever.
 */
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  createServerPipeTransport,
  createServerSocketTransport,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

export interface ServerTransport {
  reader: MessageReader;
  writer: MessageWriter;
  /** stdout carries the protocol: nothing else may be written there. */
  stdio: boolean;
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index]!;
  return arg === name ? argv[index + 1] : arg.slice(name.length + 1);
}

export function transportFromArgs(argv: readonly string[]): ServerTransport {
  if (argv.includes('--stdio')) return { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout), stdio: true };
  if (argv.includes('--node-ipc')) return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process), stdio: false };
  const port = optionValue(argv, '--socket');
  if (port !== undefined && /^\d+$/.test(port)) {
    const [reader, writer] = createServerSocketTransport(Number(port));
    return { reader, writer, stdio: false };
  }
  const pipe = optionValue(argv, '--pipe');
  if (pipe !== undefined) {
    const [reader, writer] = createServerPipeTransport(pipe);
    return { reader, writer, stdio: false };
  }
  throw new Error("Start the server with '--stdio', '--node-ipc', '--socket=<port>' or '--pipe=<name>'.");
}

/**
 * A message that is not JSON is dropped and logged: the frames around it are
 * intact. Any other read error (a missing or bad Content-Length, a header
 * without ':') leaves the stream out of step: log it and exit non-zero, so the
 * client sees the server die and restarts it. The client closing the stream
 * ends the server too.
 */
export function guardReader(reader: MessageReader, options: { log: (message: string) => void; exit: (code: number) => void; shutdownRequested: () => boolean }): void {
  reader.onError((error) => {
    if (error instanceof SyntaxError) {
      options.log(`Planewise language server: dropped a message that is not valid JSON (${error.message}).`);
      return;
    }
    options.log(`Planewise language server: cannot read the client's messages (${error.message.split('\n')[0]}); exiting so the client can restart it.`);
    options.exit(1);
  });
  reader.onClose(() => options.exit(options.shutdownRequested() ? 0 : 1));
}
