// Entry point of the `boundwise` executable (bin/boundwise.js imports the built copy).
import { main } from './main.js';

await main();
