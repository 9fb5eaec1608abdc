export { ChatgateTestingModule, type ChatgateTestingOptions } from './chatgate-testing.module.js';
