import { isPinned, parseImageRef, registryAllowed } from './image-ref';
import { containerEntries, describe, podSpecRule } from './pod-spec-rule';

/** What the signature part of the check says while no verifier exists (config.imageVerifier: 'none'). */
const SIGNATURE_NOT_CHECKED = 'not checked: no imageVerifier configured';

/** An image that is not pinned by digest (when required) or comes from a registry outside the allow-list. */
export const imageUnverified = podSpecRule(
  {
    id: 'image-unverified',
    title: 'Image not pinned by digest or from a registry outside the allow-list',
    severity: 'medium',
    area: 'workload',
    rationale:
      "A tag is a pointer anyone with push access can move: the code a node pulls tomorrow need not be what was reviewed today, and two replicas can run different code under one name. Only a digest (@sha256:...) names content. Images from registries outside the organisation's allow-list bypass its scanning and provenance controls. A signature check, where a verifier is configured, proves who built the image; ztv has no verifier yet (config imageVerifier: 'none'), so this rule checks digests and registries only and says so in its evidence.",
    resolvesWhen:
      'Every container image (init and ephemeral included) is pinned by a sha256/sha512 digest when requireImageDigest is on, and comes from an allowedRegistries entry when that list is non-empty (or the workload is deleted).',
    remediation: {
      manual:
        'Reference images as registry/repository@sha256:<digest> (tools such as kustomize images, crane digest or Renovate can pin and update them); mirror third-party images into an allowed registry; enforce the same at admission (Kyverno verifyImages / Sigstore policy-controller) so new drift is refused.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://kubernetes.io/docs/concepts/security/supply-chain-security/',
      'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
      'https://docs.sigstore.dev/cosign/verifying/verify/',
    ],
    tags: ['supply-chain', 'MITRE T1525 Implant Internal Image'],
    thresholds: ['requireImageDigest', 'allowedRegistries', 'imageVerifier'],
  },
  (pod, ctx) => {
    const { requireImageDigest, allowedRegistries } = ctx.config;
    const images: { container: string; type: string; image: string; registry?: string; problems: string[] }[] = [];
    for (const { type, c } of containerEntries(pod.spec)) {
      if (typeof c.image !== 'string' || !c.image) continue;
      const ref = parseImageRef(c.image);
      const problems: string[] = [];
      if (!ref) problems.push('not a valid image reference');
      else {
        if (requireImageDigest && !isPinned(ref)) problems.push('not pinned by digest');
        if (allowedRegistries.length && !registryAllowed(ref, allowedRegistries)) problems.push(`registry ${ref.registry} not allowed`);
      }
      if (problems.length) images.push({ container: c.name ?? '(unnamed)', type, image: c.image, ...(ref ? { registry: ref.registry } : {}), problems });
    }
    if (!images.length) return undefined;
    const problems = [...new Set(images.flatMap((i) => i.problems))];
    return {
      message: `${describe(pod.owner)} runs ${images.length === 1 ? 'an image' : `${images.length} images`} ${problems.join(', ')}: ${images.map((i) => i.image).join(', ')}`,
      evidence: {
        images,
        requireImageDigest,
        allowedRegistries,
        signature: ctx.config.imageVerifier === 'none' ? SIGNATURE_NOT_CHECKED : ctx.config.imageVerifier,
      },
    };
  },
);
