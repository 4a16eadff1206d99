import { DockerfileParser, type Entrypoint, type Instruction } from 'dockerfile-ast';

/** An image reference split as Docker reads it (parsed by dockerfile-ast from a synthetic FROM line). */
function imageRef(ref: string) {
  const from = DockerfileParser.parse(`FROM ${ref}\n`).getFROMs()[0];
  return { name: from?.getImageName() ?? '', tag: from?.getImageTag() ?? '', digest: from?.getImageDigest() ?? '' };
}

/**
 * The image rules of issue 8, checked on dockerfile-ast's parse of the file. Returns the violations (empty: clean).
 * - multi-stage, every stage named, the last one `runtime`;
 * - every FROM is a pinned Node 24 slim image (tag + sha256 digest; ARG defaults are resolved) or an earlier stage;
 * - dependencies only through `npm ci --omit=dev`, never `npm install`; the runtime stage runs nothing at all;
 * - no ADD of a URL;
 * - every image stage (the runtime stage, and any other with an ENTRYPOINT) sets a numeric non-root USER that
 *   nothing later resets, turns tsx's on-disk cache off (read-only root filesystem), and has the ENTRYPOINT
 *   ["node", "bin/ztv.mjs"] in exec form (the first argument picks the service).
 */
export function lintDockerfile(text: string): string[] {
  const df = DockerfileParser.parse(text);
  const problems: string[] = [];
  const args = new Map(df.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']));
  const resolve = (s: string) => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, v: string) => args.get(v) ?? '');

  const froms = df.getFROMs();
  if (froms.length < 2) problems.push('not multi-stage: expected a dependency stage and a runtime stage');
  const stages: string[] = [];
  for (const f of froms) {
    const image = f.getImage() ?? '';
    const stage = f.getBuildStage();
    if (!stage) problems.push(`FROM ${image}: every stage is named (FROM ... AS <name>)`);
    if (stages.includes(image)) {
      if (stage) stages.push(stage);
      continue;
    }
    const ref = imageRef(resolve(image));
    if (ref.name !== 'node' || !/^24(\.\d+){0,2}-([a-z]+-)?slim$/.test(ref.tag)) problems.push(`FROM ${image}: base must be node:24[.x.y]-[<debian>-]slim, got ${ref.name}:${ref.tag}`);
    if (!/^sha256:[0-9a-f]{64}$/.test(ref.digest)) problems.push(`FROM ${image}: base must be pinned by a sha256 digest`);
    if (stage) stages.push(stage);
  }
  if (stages.at(-1) !== 'runtime') problems.push('the last stage must be named "runtime"');

  const instructions = df.getInstructions();
  const words = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  // Each stage: the instructions after its FROM, up to the next FROM.
  const starts = froms.map((f) => instructions.indexOf(f));
  const stageOf = starts.map((at, n) => ({ name: froms[n]!.getBuildStage() ?? `#${n}`, body: instructions.slice(at + 1, starts[n + 1] ?? instructions.length) }));

  for (const run of instructions.filter((i) => i.getKeyword() === 'RUN')) {
    const cmd = words(run).join(' ');
    if (/\bnpm\s+(install|i|add)\b/.test(cmd)) problems.push(`RUN ${cmd}: use npm ci (the lock file), never npm install`);
    if (/\bnpm\s+ci\b/.test(cmd) && !/--omit=dev\b/.test(cmd)) problems.push(`RUN ${cmd}: npm ci must --omit=dev`);
  }
  if (!instructions.some((i) => i.getKeyword() === 'RUN' && /\bnpm\s+ci\b.*--omit=dev/.test(words(i).join(' ')))) problems.push('dependencies must be installed with npm ci --omit=dev');
  if (stageOf.at(-1)?.body.some((i) => i.getKeyword() === 'RUN')) problems.push('the runtime stage must not RUN anything (it only copies the built /app)');

  for (const add of instructions.filter((i) => i.getKeyword() === 'ADD')) {
    if (words(add).some((w) => /^(https?|git|ssh):\/\/|^git@/.test(w))) problems.push(`ADD ${words(add).join(' ')}: no ADD of URLs (fetch in a RUN step with a checksum, or COPY)`);
  }

  // Every stage that is an image someone runs (it has an ENTRYPOINT), the runtime stage above all.
  const images = stageOf.filter((st, n) => n === stageOf.length - 1 || st.body.some((i) => i.getKeyword() === 'ENTRYPOINT'));
  for (const { name, body } of images) {
    const users = body.filter((i) => i.getKeyword() === 'USER');
    const user = users.at(-1) ? words(users.at(-1)!).join('') : undefined;
    if (!user) problems.push(`the ${name} stage must set USER`);
    else if (!/^[1-9]\d*(:[1-9]\d*)?$/.test(user)) problems.push(`${name}: USER ${user}: must be a numeric, non-root uid[:gid] (runAsNonRoot can verify only numbers)`);
    const userAt = user ? body.lastIndexOf(users.at(-1)!) : -1;
    if (userAt >= 0 && body.slice(userAt + 1).some((i) => ['RUN', 'COPY', 'ADD'].includes(i.getKeyword()))) problems.push(`${name}: nothing may run or be copied after USER (it would run as that user, or be owned by it)`);

    const env = body.filter((i) => i.getKeyword() === 'ENV').flatMap((i) => words(i));
    if (!env.some((w) => /^TSX_DISABLE_CACHE=.+/.test(w))) problems.push(`the ${name} stage must set TSX_DISABLE_CACHE (tsx would write its cache on a read-only root filesystem)`);
    if (!env.includes('NODE_ENV=production')) problems.push(`the ${name} stage must set NODE_ENV=production`);

    const entrypoints = body.filter((i) => i.getKeyword() === 'ENTRYPOINT') as Entrypoint[];
    const json = entrypoints.at(-1)?.getJSONStrings().map((j) => j.getJSONValue()) ?? [];
    if (entrypoints.length !== 1 || json.length === 0) problems.push(`the ${name} stage needs one ENTRYPOINT in exec (JSON) form`);
    else if (JSON.stringify(json) !== JSON.stringify(['node', 'bin/ztv.mjs'])) problems.push(`${name}: ENTRYPOINT ${JSON.stringify(json)}: expected ["node","bin/ztv.mjs"]`);
  }
  return problems;
}

/** The source paths of the COPY instructions that read the build context (not --from another stage). */
export function contextSources(text: string): string[] {
  return DockerfileParser.parse(text)
    .getCOPYs()
    .filter((c) => !c.getFlags().some((f) => f.getName() === 'from'))
    .flatMap((c) => c.getArguments().slice(0, -1).map((a) => a.getValue()));
}
