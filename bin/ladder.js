#!/usr/bin/env node
import { main } from '../dist/runner/cli/ladder.js';

process.exitCode = await main(process.argv.slice(2));
