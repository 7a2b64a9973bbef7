// i8x16 command line. Subcommands are added by their owners.
const [command] = process.argv.slice(2);
console.error(`i8x16: unknown command ${command ?? '(none)'}`);
process.exit(2);
