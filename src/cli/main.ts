// i8x16 command line. Each subcommand lives in its own module exporting `run(args)`; add new ones
// to SUBCOMMANDS. Modules are imported lazily so one subcommand's dependencies never slow another.
type Subcommand = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const SUBCOMMANDS: Record<string, Subcommand> = {
  inspect: { summary: 'inspect FILE [--json]   ops, tensors, quantization, weight and arena bytes', load: () => import('./inspect.js') },
  bench: { summary: 'bench FILE [--layers [--cold]] [--backend B] [--winograd W] [--dense-fc] [--runs N] [--batch N] [--json]   latency per frame; --layers: time of every op (--cold: caches evicted first)', load: () => import('./bench.js') },
  table: { summary: 'table [--episodes N] [--seed S] [--json FILE] [--svg FILE]   the seed\'s comparison table: size, ms/frame per build, reward, agreement', load: () => import('./table.js') },
  race: { summary: 'race --model FILE [--episodes N] [--seed S] [--backend B] [--out frames.png]   episodes of one policy, rewards and a frame strip', load: () => import('./race.js') },
};

function usage(): string {
  return ['usage: i8x16 <command> [args]', '', 'commands:', ...Object.values(SUBCOMMANDS).map((s) => `  ${s.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return command ? 0 : 2;
  }
  const sub = SUBCOMMANDS[command];
  if (!sub) {
    console.error(`i8x16: unknown command "${command}"\n\n${usage()}`);
    return 2;
  }
  return (await sub.load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(`i8x16: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
