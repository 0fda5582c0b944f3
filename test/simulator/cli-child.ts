// Runs `e2ee-prov simulator` in a child process (via tsx), so a test can signal it as a user would.
import { simulatorCommand } from '../../src/cli/commands/simulator.js';

process.exitCode = await simulatorCommand.run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
