/**
 * Unit tests for the Pod Security Standards evaluator: version/level handling, per-version check
 * lists, and message text (cases mirror pod-security-admission's policy/check_*_test.go tables).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlimsollError } from '../../../util/errors.js';
import {
  checkCatalog,
  checksFor,
  evaluatePod,
  forbiddenDetail,
  forbiddenReason,
  podSecurityMessage,
  resolveMinor,
  type PssLevel,
  type PssResult,
} from './index.js';

type AnyObj = Record<string, unknown>;

function pod(spec: AnyObj, metadata: AnyObj = {}): { metadata: AnyObj; spec: AnyObj } {
  return { metadata, spec };
}

/** The single violation of `check`, asserting it exists. */
function only(r: PssResult, check: string): { reason: string; detail: string; fieldPaths: readonly string[] } {
  const v = r.violations.find((x) => x.check === check);
  assert.ok(v, `expected a ${check} violation, got ${JSON.stringify(r.violations)}`);
  return v;
}

function violationOf(spec: AnyObj, check: string, level: PssLevel = 'restricted', version = 'latest', meta: AnyObj = {}) {
  return only(evaluatePod(pod(spec, meta) as never, level, version), check);
}

function checkIds(spec: AnyObj, level: PssLevel, version: string, meta: AnyObj = {}): string[] {
  return evaluatePod(pod(spec, meta) as never, level, version).violations.map((v) => v.check);
}

/** A pod that passes restricted at every version. */
function restrictedPod(extra: AnyObj = {}): AnyObj {
  const sc = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [{ name: 'init', image: 'x', securityContext: { ...sc } }],
    containers: [{ name: 'app', image: 'x', securityContext: { ...sc } }],
    ...extra,
  };
}

test('versions: latest, clamping above the newest revision, and rejection of malformed input', () => {
  assert.equal(resolveMinor('latest'), 37);
  assert.equal(resolveMinor('v1.0'), 0);
  assert.equal(resolveMinor('v1.30'), 30);
  assert.equal(resolveMinor('v1.99'), 37);
  assert.deepEqual(checksFor('restricted', 'v1.99'), checksFor('restricted', 'latest'));
  for (const bad of ['', 'v2.0', '1.30', 'v1.030', 'v1.30.1', 'Latest', 'v1', 'v1.-1']) {
    assert.throws(
      () => evaluatePod(pod({}) as never, 'baseline', bad),
      (e: unknown) => isPlimsollError(e) && e.code === 'USAGE' && /v1\.<minor>/.test(e.message),
      bad,
    );
  }
  assert.throws(
    () => evaluatePod(pod({}) as never, 'strict' as PssLevel, 'latest'),
    (e: unknown) => isPlimsollError(e) && e.code === 'USAGE' && /privileged/.test(e.message),
  );
});

test('checksFor lists the checks in force, in evaluation order, without overridden baseline checks', () => {
  assert.deepEqual(checksFor('privileged', 'latest'), []);
  assert.deepEqual(checksFor('baseline', 'v1.0'), [
    'appArmorProfile',
    'capabilities_baseline',
    'hostNamespaces',
    'hostPathVolumes',
    'hostPorts',
    'privileged',
    'procMount',
    'seLinuxOptions',
    'seccompProfile_baseline',
    'sysctls',
    'windowsHostProcess',
  ]);
  assert.ok(!checksFor('baseline', 'v1.33').includes('hostProbesAndHostLifecycle'));
  assert.ok(checksFor('baseline', 'v1.34').includes('hostProbesAndHostLifecycle'));
  // v1.0 restricted: baseline minus hostPathVolumes (restrictedVolumes overrides it), plus restricted.
  assert.deepEqual(checksFor('restricted', 'v1.0'), [
    'appArmorProfile',
    'capabilities_baseline',
    'hostNamespaces',
    'hostPorts',
    'privileged',
    'procMount',
    'seLinuxOptions',
    'seccompProfile_baseline',
    'sysctls',
    'windowsHostProcess',
    'restrictedVolumes',
    'runAsNonRoot',
  ]);
  assert.deepEqual(checksFor('restricted', 'latest'), [
    'appArmorProfile',
    'hostNamespaces',
    'hostPorts',
    'hostProbesAndHostLifecycle',
    'privileged',
    'seLinuxOptions',
    'sysctls',
    'windowsHostProcess',
    'allowPrivilegeEscalation',
    'capabilities_restricted',
    'procMount_restricted',
    'restrictedVolumes',
    'runAsNonRoot',
    'runAsUser',
    'seccompProfile_restricted',
  ]);
  const r = (v: string) => checksFor('restricted', v);
  assert.ok(!r('v1.7').includes('allowPrivilegeEscalation') && r('v1.8').includes('allowPrivilegeEscalation'));
  assert.ok(r('v1.18').includes('seccompProfile_baseline') && !r('v1.19').includes('seccompProfile_baseline'));
  assert.ok(r('v1.21').includes('capabilities_baseline') && r('v1.22').includes('capabilities_restricted'));
  assert.ok(!r('v1.22').includes('runAsUser') && r('v1.23').includes('runAsUser'));
  assert.ok(r('v1.34').includes('procMount') && !r('v1.35').includes('procMount'));
  const catalog = checkCatalog();
  assert.equal(catalog.length, 19);
  assert.deepEqual(catalog.find((c) => c.id === 'sysctls')?.revisions, ['v1.0', 'v1.27', 'v1.29', 'v1.32', 'v1.37']);
  assert.equal(catalog.find((c) => c.id === 'runAsUser')?.control, 'Running as Non-root user');
});

test('privileged level allows anything; an allowed result is shared and frozen', () => {
  const bad = pod({ hostPID: true, containers: [{ name: 'a', securityContext: { privileged: true } }] });
  const r = evaluatePod(bad as never, 'privileged', 'latest');
  assert.equal(r.allowed, true);
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.violations));
  assert.equal(evaluatePod(pod(restrictedPod()) as never, 'restricted', 'latest'), r);
});

test('host namespaces, privileged, host ports, hostPath (upstream message text)', () => {
  const ns = violationOf({ hostNetwork: true, hostIPC: true, hostPID: true }, 'hostNamespaces', 'baseline');
  assert.equal(ns.reason, 'host namespaces');
  assert.equal(ns.detail, 'hostNetwork=true, hostPID=true, hostIPC=true');
  assert.deepEqual(ns.fieldPaths, ['spec.hostNetwork', 'spec.hostPID', 'spec.hostIPC']);

  const priv = violationOf(
    {
      containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b', securityContext: { privileged: false } }],
      initContainers: [{ name: 'i', securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }],
    },
    'privileged',
    'baseline',
  );
  // Visit order is init containers, containers, ephemeral containers.
  assert.equal(priv.detail, 'containers "i", "a", "e" must not set securityContext.privileged=true');
  assert.deepEqual(priv.fieldPaths, [
    'spec.initContainers[0].securityContext.privileged',
    'spec.containers[0].securityContext.privileged',
    'spec.ephemeralContainers[0].securityContext.privileged',
  ]);

  const ports = violationOf(
    {
      containers: [
        { name: 'a', ports: [{ hostPort: 0 }] },
        { name: 'b', ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 20 }] },
        { name: 'c', ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 30 }] },
      ],
    },
    'hostPorts',
    'baseline',
  );
  assert.equal(ports.reason, 'hostPort');
  assert.equal(ports.detail, 'containers "b", "c" use hostPorts 10, 20, 30');
  assert.equal(
    violationOf({ containers: [{ name: 'a', ports: [{ hostPort: 8080 }] }] }, 'hostPorts', 'baseline').detail,
    'container "a" uses hostPort 8080',
  );

  const hp = violationOf({ volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }] }, 'hostPathVolumes', 'baseline');
  assert.equal(hp.reason, 'hostPath volumes');
  assert.equal(hp.detail, 'volume "h"');
  assert.deepEqual(hp.fieldPaths, ['spec.volumes[0].hostPath']);
});

test('restricted volume types (upstream table; unknown sources; defaulted emptyDir; image allowed)', () => {
  const allowed = ['emptyDir', 'secret', 'persistentVolumeClaim', 'downwardAPI', 'configMap', 'projected', 'csi', 'ephemeral', 'image'];
  const restricted = [
    'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
    'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
    'portworxVolume', 'scaleIO', 'storageos',
  ];
  const volumes = [
    ...allowed.map((k, i) => ({ name: `a${i + 1}`, [k]: {} })),
    ...restricted.map((k, i) => ({ name: `b${i + 1}`, [k]: {} })),
    { name: 'c1', someFutureSource: {} },
    { name: 'd1' }, // no source: the API server defaults it to emptyDir
  ];
  const v = violationOf({ volumes }, 'restrictedVolumes');
  assert.equal(v.reason, 'restricted volume types');
  assert.equal(
    v.detail,
    'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", ' +
      '"b18", "b19", "b20", "b21", "c1" use restricted volume types "awsElasticBlockStore", "azureDisk", "azureFile", ' +
      '"cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", ' +
      '"iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
  );
  assert.equal(v.fieldPaths[0], 'spec.volumes[9].hostPath');
  assert.equal(v.fieldPaths.at(-1), 'spec.volumes[30]');
  assert.equal(violationOf({ volumes: [{ name: 'x', nfs: {} }] }, 'restrictedVolumes').detail, 'volume "x" uses restricted volume type "nfs"');
  // hostPathVolumes is overridden at restricted: one violation, not two.
  assert.deepEqual(checkIds(restrictedPod({ volumes: [{ name: 'h', hostPath: {} }] }), 'restricted', 'v1.0'), ['restrictedVolumes']);
});

test('capabilities: baseline add list, restricted drop ALL / add NET_BIND_SERVICE, Windows exemption from v1.25', () => {
  const spec = {
    containers: [
      { name: 'a', securityContext: { capabilities: { add: ['NET_RAW', 'CHOWN', 'SYS_ADMIN'] } } },
      { name: 'b', securityContext: { capabilities: { add: ['NET_RAW'] } } },
      { name: 'c', securityContext: { capabilities: { add: ['KILL'] } } },
    ],
  };
  const b = violationOf(spec, 'capabilities_baseline', 'baseline');
  assert.equal(b.reason, 'non-default capabilities');
  assert.equal(b.detail, 'containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add');
  assert.deepEqual(b.fieldPaths, [
    'spec.containers[0].securityContext.capabilities.add[0]',
    'spec.containers[0].securityContext.capabilities.add[2]',
    'spec.containers[1].securityContext.capabilities.add[0]',
  ]);
  const r = violationOf(
    {
      containers: [
        { name: 'a' },
        { name: 'b', securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } } },
        { name: 'c', securityContext: { capabilities: { drop: ['NET_RAW'] } } },
      ],
    },
    'capabilities_restricted',
  );
  assert.equal(r.reason, 'unrestricted capabilities');
  assert.equal(
    r.detail,
    'containers "a", "c" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "CHOWN" in securityContext.capabilities.add',
  );
  const windows = { os: { name: 'windows' }, containers: [{ name: 'a' }] };
  assert.ok(checkIds(windows, 'restricted', 'v1.24').includes('capabilities_restricted'));
  assert.ok(!checkIds(windows, 'restricted', 'v1.25').includes('capabilities_restricted'));
});

test('allowPrivilegeEscalation and seccompProfile_restricted exempt Windows pods from v1.25', () => {
  const windows = { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }] };
  assert.deepEqual(checkIds(windows, 'restricted', 'v1.24'), [
    'allowPrivilegeEscalation',
    'capabilities_restricted',
    'seccompProfile_restricted',
  ]);
  assert.deepEqual(checkIds(windows, 'restricted', 'v1.25'), []);
  const linux = { ...windows, os: { name: 'linux' } };
  assert.equal(checkIds(linux, 'restricted', 'v1.25').length, 3);
  const ape = violationOf({ containers: [{ name: 'a' }, { name: 'b', securityContext: { allowPrivilegeEscalation: true } }] }, 'allowPrivilegeEscalation');
  assert.equal(ape.reason, 'allowPrivilegeEscalation != false');
  assert.equal(ape.detail, 'containers "a", "b" must set securityContext.allowPrivilegeEscalation=false');
});

test('seccomp: baseline annotations before v1.19, fields from v1.19; restricted requires a profile', () => {
  const annotations = {
    'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
    'container.seccomp.security.alpha.kubernetes.io/a': 'localhost/profile.json',
    'container.seccomp.security.alpha.kubernetes.io/b': 'docker/default',
    'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined',
    'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined', // no such container: ignored
  };
  const spec = { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
  const old = violationOf(spec, 'seccompProfile_baseline', 'baseline', 'v1.18', { annotations });
  assert.equal(old.reason, 'seccompProfile');
  assert.equal(
    old.detail,
    'forbidden annotations container.seccomp.security.alpha.kubernetes.io/c="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
  );
  assert.deepEqual(old.fieldPaths, [
    'metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]',
    'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]',
  ]);
  assert.deepEqual(checkIds(spec, 'baseline', 'v1.19', { annotations }), []); // annotations no longer checked

  const fields = {
    securityContext: { seccompProfile: { type: 'Unconfined' } },
    containers: [
      { name: 'a' },
      { name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } },
      { name: 'd', securityContext: { seccompProfile: { type: 'Bogus' } } },
      { name: 'e', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
    ],
  };
  assert.equal(
    violationOf(fields, 'seccompProfile_baseline', 'baseline', 'v1.19').detail,
    'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined"',
  );
  assert.equal(
    violationOf({ containers: [{ name: 'a' }] }, 'seccompProfile_restricted').detail,
    'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  );
  assert.equal(
    violationOf({ containers: [{ name: 'a' }, { name: 'b', securityContext: {} }, { name: 'c', securityContext: { seccompProfile: { type: 'Localhost' } } }] }, 'seccompProfile_restricted').detail,
    'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  );
  assert.equal(
    violationOf({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a' }] }, 'seccompProfile_restricted').detail,
    'pod must not set securityContext.seccompProfile.type to "Unconfined"',
  );
});

test('AppArmor: fields and the deprecated annotation, at every version', () => {
  const spec = {
    securityContext: { appArmorProfile: { type: 'Unconfined' } },
    containers: [
      { name: 'a', securityContext: { appArmorProfile: { type: 'Unconfined' } } },
      { name: 'b', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } },
      { name: 'c', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } },
    ],
  };
  const annotations = {
    'container.apparmor.security.beta.kubernetes.io/a': 'unconfined',
    'container.apparmor.security.beta.kubernetes.io/b': 'localhost/p',
    'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default',
    'container.apparmor.security.beta.kubernetes.io/d': '',
  };
  for (const version of ['v1.0', 'latest']) {
    const v = violationOf(spec, 'appArmorProfile', 'baseline', version, { annotations });
    assert.equal(v.reason, 'forbidden AppArmor profiles');
    assert.equal(
      v.detail,
      'pod and container "a" and annotation must not set AppArmor profile type to ' +
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined""',
    );
    assert.deepEqual(v.fieldPaths, [
      'spec.securityContext.appArmorProfile.type',
      'spec.containers[0].securityContext.appArmorProfile.type',
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]',
    ]);
  }
  const one = violationOf({ containers: [{ name: 'x' }] }, 'appArmorProfile', 'baseline', 'latest', {
    annotations: { 'container.apparmor.security.beta.kubernetes.io/x': 'unconfined' },
  });
  assert.equal(one.reason, 'forbidden AppArmor profile');
  assert.equal(one.detail, 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/x="unconfined""');
});

test('SELinux options (upstream 1.31 table) and container_engine_t from v1.31', () => {
  const containers = [
    { name: 'a', securityContext: { seLinuxOptions: { type: 'container_t' } } },
    { name: 'b', securityContext: { seLinuxOptions: { type: 'container_init_t' } } },
    { name: 'c', securityContext: { seLinuxOptions: { type: 'container_kvm_t' } } },
    { name: 'd', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } },
    { name: 'e', securityContext: { seLinuxOptions: { type: 'bar' } } },
    { name: 'f', securityContext: { seLinuxOptions: { user: 'bar' } } },
    { name: 'g', securityContext: { seLinuxOptions: { role: 'baz' } } },
  ];
  const podOpts = { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } };
  const v = violationOf({ securityContext: podOpts, containers }, 'seLinuxOptions', 'baseline', 'v1.31');
  assert.equal(v.reason, 'seLinuxOptions');
  assert.equal(
    v.detail,
    'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
  );
  assert.equal(
    violationOf({ securityContext: podOpts, containers: containers.slice(0, 4) }, 'seLinuxOptions', 'baseline', 'v1.31').detail,
    'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set',
  );
  assert.equal(
    violationOf({ securityContext: { seLinuxOptions: { user: 'bad' } } }, 'seLinuxOptions', 'baseline').detail,
    'pod set forbidden securityContext.seLinuxOptions: user may not be set',
  );
  assert.equal(
    violationOf({ containers: containers.slice(0, 4) }, 'seLinuxOptions', 'baseline', 'v1.30').detail,
    'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
  );
  assert.deepEqual(checkIds({ containers: containers.slice(0, 4) }, 'baseline', 'v1.31'), []);
});

test('procMount: baseline relaxed for user-namespace pods from v1.35; restricted never', () => {
  const containers = [
    { name: 'a' },
    { name: 'b', securityContext: {} },
    { name: 'c', securityContext: { procMount: 'Default' } },
    { name: 'd', securityContext: { procMount: 'Unmasked' } },
    { name: 'e', securityContext: { procMount: 'other' } },
  ];
  const detail = 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"';
  assert.equal(violationOf({ containers, hostUsers: true }, 'procMount', 'baseline', 'latest').detail, detail);
  assert.equal(violationOf({ containers, hostUsers: false }, 'procMount', 'baseline', 'v1.34').detail, detail);
  assert.deepEqual(checkIds({ containers, hostUsers: false }, 'baseline', 'v1.35'), []);
  const r = violationOf(restrictedPod({ containers, hostUsers: false }), 'procMount_restricted', 'restricted', 'v1.35');
  assert.equal(r.reason, 'procMount');
  assert.equal(r.detail, detail);
});

test('runAsNonRoot / runAsUser, with the v1.35 user-namespace relaxation', () => {
  const explicit = violationOf(
    { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b' }] },
    'runAsNonRoot',
  );
  assert.equal(explicit.reason, 'runAsNonRoot != true');
  assert.equal(explicit.detail, 'pod and container "a" must not set securityContext.runAsNonRoot=false');
  const implicit = violationOf({ containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: true } }] }, 'runAsNonRoot');
  assert.equal(implicit.detail, 'pod or container "a" must set securityContext.runAsNonRoot=true');
  assert.deepEqual(implicit.fieldPaths, ['spec.securityContext.runAsNonRoot', 'spec.containers[0].securityContext.runAsNonRoot']);

  const root = { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }, { name: 'b', securityContext: { runAsUser: 1000 } }] };
  assert.equal(violationOf(root, 'runAsUser').detail, 'pod and container "a" must not set runAsUser=0');
  assert.ok(!checkIds(root, 'restricted', 'v1.22').includes('runAsUser'));
  assert.ok(checkIds(root, 'restricted', 'v1.23').includes('runAsUser'));

  const userns = { ...root, hostUsers: false };
  assert.ok(checkIds(userns, 'restricted', 'v1.34').includes('runAsUser'));
  assert.ok(checkIds(userns, 'restricted', 'v1.34').includes('runAsNonRoot'));
  assert.ok(!checkIds(userns, 'restricted', 'v1.35').includes('runAsUser'));
  assert.ok(!checkIds(userns, 'restricted', 'v1.35').includes('runAsNonRoot'));
});

test('sysctls: the safe set grows with the version', () => {
  const spec = (name: string) => ({ securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '0' }, { name, value: '1' }] } });
  const cases: Array<[string, string, string]> = [
    ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
    ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
  ];
  for (const [name, before, from] of cases) {
    const v = violationOf(spec(name), 'sysctls', 'baseline', before);
    assert.equal(v.reason, 'forbidden sysctls');
    assert.equal(v.detail, name);
    assert.deepEqual(v.fieldPaths, ['spec.securityContext.sysctls[1].name']);
    assert.deepEqual(checkIds(spec(name), 'baseline', from), [], `${name} at ${from}`);
  }
  const two = { securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.core.somaxconn' }] } };
  assert.equal(violationOf(two, 'sysctls', 'baseline').detail, 'kernel.msgmax, net.core.somaxconn');
});

test('windows HostProcess and probe/lifecycle hosts', () => {
  const hp = violationOf(
    { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }] },
    'windowsHostProcess',
    'baseline',
  );
  assert.equal(hp.reason, 'hostProcess');
  assert.equal(hp.detail, 'pod and container "a" must not set securityContext.windowsOptions.hostProcess=true');

  const probes = {
    containers: [
      { name: 'b', livenessProbe: { httpGet: { host: 'h2', port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: 'h1', port: 1 } } } },
      { name: 'a', readinessProbe: { tcpSocket: { host: 'h1', port: 1 } }, startupProbe: { httpGet: { host: '', port: 80 } } },
      { name: 'c', lifecycle: { postStart: { httpGet: { port: 80 } } } },
    ],
  };
  const v = violationOf(probes, 'hostProbesAndHostLifecycle', 'baseline', 'v1.34');
  assert.equal(v.reason, 'probe or lifecycle host');
  assert.equal(v.detail, 'containers "a", "b" use probe or lifecycle hosts "h1", "h2"');
  assert.deepEqual(v.fieldPaths, [
    'spec.containers[0].livenessProbe.httpGet.host',
    'spec.containers[0].lifecycle.preStop.tcpSocket.host',
    'spec.containers[1].readinessProbe.tcpSocket.host',
  ]);
  assert.deepEqual(checkIds(probes, 'baseline', 'v1.33'), []);
});

test('aggregated messages read like kubectl output', () => {
  const spec = {
    hostNetwork: true,
    containers: [{ name: 'x', securityContext: { privileged: true } }],
  };
  const r = evaluatePod(pod(spec, { name: 'web' }) as never, 'restricted', 'latest');
  assert.equal(r.allowed, false);
  assert.deepEqual(
    r.violations.map((v) => v.check),
    ['hostNamespaces', 'privileged', 'allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'],
  );
  assert.equal(
    forbiddenReason(r.violations),
    'host namespaces, privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
  );
  const detail =
    'host namespaces (hostNetwork=true), privileged (container "x" must not set securityContext.privileged=true), ' +
    'allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
  assert.equal(forbiddenDetail(r.violations), detail);
  assert.equal(podSecurityMessage(r, 'restricted', 'latest'), `would violate PodSecurity "restricted:latest": ${detail}`);
  assert.equal(
    podSecurityMessage(r, 'restricted', 'latest', { mode: 'enforce', name: 'web' }),
    `pods "web" is forbidden: violates PodSecurity "restricted:latest": ${detail}`,
  );
  assert.equal(podSecurityMessage(evaluatePod(pod({}) as never, 'baseline', 'v1.30'), 'baseline', 'v1.30'), '');
});

test('field paths follow the caller-supplied spec/metadata prefixes', () => {
  const r = evaluatePod(
    { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } }, spec: { hostPID: true, containers: [{ name: 'a' }] } } as never,
    'baseline',
    'latest',
    { specPath: 'spec.template.spec', metadataPath: 'spec.template.metadata' },
  );
  assert.deepEqual(
    r.violations.flatMap((v) => v.fieldPaths),
    ['spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]', 'spec.template.spec.hostPID'],
  );
});

test('hostile or malformed input never throws and is read like a typed decoder would', () => {
  const inputs: unknown[] = [
    null,
    42,
    'pod',
    [],
    { spec: 'x', metadata: 7 },
    { spec: { containers: 5, initContainers: 'x', ephemeralContainers: [null, 1, 'a', []] } },
    { spec: { containers: [{ name: { evil: true }, securityContext: 'x', ports: 'p', lifecycle: [1] }] } },
    { spec: { securityContext: { sysctls: [null, 5, { name: 7 }], seLinuxOptions: [], seccompProfile: 'x' }, volumes: [null, 'v', { name: 1 }] } },
    { metadata: { annotations: ['a'] }, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: 'ALL', drop: { 0: 'ALL' } } } }] } },
    JSON.parse('{"spec": {"__proto__": {"hostPID": true}, "containers": [{"name": "constructor", "__proto__": {"securityContext": {"privileged": true}}}]}}'),
    Object.assign(Object.create(null), { spec: Object.assign(Object.create(null), { hostIPC: true }) }),
  ];
  for (const input of inputs) {
    for (const level of ['baseline', 'restricted'] as const) {
      for (const version of ['v1.0', 'v1.25', 'latest']) {
        assert.doesNotThrow(() => evaluatePod(input as never, level, version), JSON.stringify(input));
      }
    }
  }
  // Inherited (prototype) properties are not fields.
  assert.deepEqual(evaluatePod(inputs[9] as never, 'baseline', 'latest').violations, []);
  // Wrong-typed flags are not `true`; a string "0" is not runAsUser 0 (the API would reject both).
  assert.deepEqual(checkIds({ hostPID: 'true', containers: [{ name: 'a', securityContext: { privileged: 'true' } }] }, 'baseline', 'latest'), []);
  // ... but a restricted requirement is only met by the real value.
  assert.ok(checkIds({ containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: 'false' } }] }, 'restricted', 'latest').includes('allowPrivilegeEscalation'));
  // Null-prototype objects are read normally.
  assert.deepEqual(evaluatePod(inputs[10] as never, 'baseline', 'latest').violations.map((v) => v.check), ['hostNamespaces']);
});
