// The tasks that ship with ladder; importing this module registers them.
import { echoTask } from './echo.js';
import { registerTask } from './registry.js';
import { train, TRAIN_DESCRIPTION } from './train/index.js';

registerTask('echo', echoTask, 'demo: records its config choices and a few config numbers as metrics; trains nothing');
registerTask('train', train, TRAIN_DESCRIPTION);
