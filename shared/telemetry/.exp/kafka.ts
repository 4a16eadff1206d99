import { writeFileSync } from 'node:fs';
import { startKafka } from '../../../test/support/kafka';
const k = await startKafka();
writeFileSync('/tmp/ztv-deploy-kafka.txt', k.brokers.join(','));
console.log('brokers', k.brokers);
process.on('SIGTERM', () => void k.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
