import * as k8s from '@kubernetes/client-node';
const m = (k8s as any).V1Container.getAttributeTypeMap();
console.log(m.map((a: any) => `${a.baseName}:${a.type}`).join(' '));
console.log((k8s as any).V1ObjectMeta.getAttributeTypeMap().map((a: any) => `${a.baseName}:${a.type}`).join(' '));
console.log((k8s as any).V1NetworkPolicyPort.getAttributeTypeMap().map((a: any) => `${a.baseName}:${a.type}`).join(' '));
console.log((k8s as any).V1ResourceRequirements.getAttributeTypeMap().map((a: any) => `${a.baseName}:${a.type}`).join(' '));
