/**
 * A kubeconfig for the emulator. client-node 1.4 refuses an http:// server unless the cluster entry sets
 * insecure-skip-tls-verify (KubeConfig.createAgent), so it is set: there is no TLS to verify.
 */
export function renderKubeconfig(server: string, token: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: ztv-emulator',
    '    cluster:',
    `      server: ${server}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: ztv-emulator',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: ztv-emulator',
    '    context:',
    '      cluster: ztv-emulator',
    '      user: ztv-emulator',
    `      namespace: ${namespace}`,
    'current-context: ztv-emulator',
    '',
  ].join('\n');
}
