/** A container image reference, normalized as Docker / containerd resolve it (distribution/reference). */
export interface ImageRef {
  /** e.g. docker.io, ghcr.io, localhost:5000 (lower case). */
  registry: string;
  /** e.g. library/nginx. */
  repository: string;
  tag?: string;
  digest?: string;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
/** Digests that pin content: the OCI-registered algorithms with their full length. */
const pinningDigest = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/**
 * Parses `[registry/]repository[:tag][@digest]`. The first path component is the registry only when it contains
 * '.' or ':', is 'localhost', or has upper case; otherwise the image is on Docker Hub (`nginx` →
 * docker.io/library/nginx). Returns undefined for a reference a runtime would refuse.
 */
export function parseImageRef(image: string): ImageRef | undefined {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  if (!rest || !rest.split('/').every((c) => pathComponent.test(c))) return undefined;
  return { registry, repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** True when the reference names content by a full sha256 / sha512 digest, so what runs cannot change under it. */
export function isPinned(ref: ImageRef): boolean {
  return ref.digest !== undefined && pinningDigest.test(ref.digest);
}

/**
 * True when the image comes from an allowed source. An entry is a registry (`ghcr.io`, `docker.io`) or a registry
 * plus repository prefix (`ghcr.io/acme`, `docker.io/library`); `nginx` is matched as docker.io/library/nginx.
 */
export function registryAllowed(ref: ImageRef, allowed: string[]): boolean {
  const full = `${ref.registry}/${ref.repository}`;
  return allowed.some((entry) => {
    let e = entry.trim().toLowerCase().replace(/\/\*$/, '').replace(/\/+$/, '');
    const slash = e.indexOf('/');
    const host = slash >= 0 ? e.slice(0, slash) : e;
    if (host === 'index.docker.io' || host === 'registry-1.docker.io') e = `docker.io${slash >= 0 ? e.slice(slash) : ''}`;
    return e !== '' && (full === e || full.startsWith(`${e}/`));
  });
}
