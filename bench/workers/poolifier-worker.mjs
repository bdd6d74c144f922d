import { ThreadWorker } from 'poolifier';
import task from './noop-task.mjs';
export default new ThreadWorker(task);
