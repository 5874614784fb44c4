export { formatDay } from './format';
