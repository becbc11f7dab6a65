import { MemoryStore } from '../../src/store/memory.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('MemoryStore', async () => new MemoryStore());
