import { isDeepStrictEqual } from 'node:util';
import { renderKustomization, kubectlKustomize, byIdentity } from '../../../test/deploy/kustomize';
for (const dir of ['/work/main/deploy/overlays/prod', '/work/main/deploy/overlays/dev', '/tmp/cp']) {
  const a = byIdentity(renderKustomization(dir));
  const b = byIdentity((await kubectlKustomize(dir))!);
  console.log(dir, a.length, b.length, isDeepStrictEqual(a, b));
  if (!isDeepStrictEqual(a, b)) for (let i = 0; i < a.length; i++) if (!isDeepStrictEqual(a[i], b[i])) { console.log(JSON.stringify(a[i]).slice(0, 3000)); console.log(JSON.stringify(b[i]).slice(0, 3000)); break; }
}
