#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader: one tree, no build step on the device.
import { register } from 'tsx/esm/api';

register();
await import('../app/main.ts');
