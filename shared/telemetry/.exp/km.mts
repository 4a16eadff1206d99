import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
const d = new Deployment({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', bogus: 1, resources: { requests: { cpu: 5 } } } as any] } } } } as any);
try { d.validate(); console.log('valid?!'); } catch (e) { console.log('invalid:', (e as Error).message.slice(0, 600)); }
const n = new NetworkPolicy({ metadata: { name: 'x' }, spec: { podSelector: {}, policyTypes: ['Sideways'] } } as any);
try { n.validate(); console.log('np valid'); } catch (e) { console.log('np invalid:', (e as Error).message.slice(0, 300)); }
