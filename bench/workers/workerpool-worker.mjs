import workerpool from 'workerpool';
import { noop, fib } from './noop-task.mjs';
workerpool.worker({ noop, fib });
