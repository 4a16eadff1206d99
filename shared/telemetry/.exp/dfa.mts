import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
const df = DockerfileParser.parse(readFileSync('/work/main/Dockerfile', 'utf8'));
for (const f of df.getFROMs()) console.log(f.getImage(), f.getImageName(), f.getImageTag(), f.getImageDigest(), f.getBuildStage());
for (const a of df.getInitialARGs()) console.log('ARG', a.getProperty()?.getName(), a.getProperty()?.getValue());
for (const i of df.getInstructions()) console.log(i.getKeyword(), JSON.stringify(i.getArguments().map(a => a.getValue())).slice(0,120));
const e = df.getENTRYPOINTs()[0]; console.log(e.constructor.name, (e as any).getJsonStrings?.().map((s: any) => s.getJSONValue()));
for (const c of df.getCOPYs()) console.log('COPY flags', c.getFlags().map(f => f.getName()+'='+f.getValue()));
