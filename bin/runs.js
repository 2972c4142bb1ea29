#!/usr/bin/env node
import { main } from '../dist/runner/cli/runs.js';

process.exitCode = await main(process.argv.slice(2));
