#!/usr/bin/env node
// Kept outside dist so the bin exists (and is executable) before the first build.
import '../dist/src/bin.js';
