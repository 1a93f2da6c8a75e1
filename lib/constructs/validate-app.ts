import { FederationError } from '../errors';
import { isDnsLabel, isLabelKey, isLabelValue } from '../k8s-names';
import { ContainerProps, EnvValue, FederatedAppSpec, ProbeProps } from './app-spec';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function fail(where: string, prop: string, value: unknown, hint: string): never {
  throw new FederationError('INVALID_PROP', where, `prop "${prop}" has invalid value ${JSON.stringify(value)}`, hint);
}

export function checkCount(where: string, prop: string, v: unknown, min = 0): void {
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min)) fail(where, prop, v, `use an integer >= ${min}`);
}

function checkPort(where: string, prop: string, v: unknown): void {
  if (typeof v === 'string' ? !isDnsLabel(v) || v.length > 15 : !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535)) {
    fail(where, prop, v, 'use a port number 1-65535 or a port name (at most 15 characters)');
  }
}

function checkProbe(where: string, prop: string, p: ProbeProps | undefined): void {
  if (!p) return;
  const handlers = [p.httpGet, p.tcpSocket, p.exec].filter((h) => h !== undefined).length;
  if (handlers !== 1) fail(where, prop, p, 'give exactly one of httpGet, tcpSocket, exec');
  if (p.httpGet) {
    if (!p.httpGet.path?.startsWith('/')) fail(where, `${prop}.httpGet.path`, p.httpGet.path, 'use an absolute path such as "/healthz"');
    checkPort(where, `${prop}.httpGet.port`, p.httpGet.port);
  }
  if (p.tcpSocket) checkPort(where, `${prop}.tcpSocket.port`, p.tcpSocket.port);
  if (p.exec && (!Array.isArray(p.exec.command) || p.exec.command.length === 0)) fail(where, `${prop}.exec.command`, p.exec.command, 'give a non-empty command');
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) checkCount(where, `${prop}.${k}`, p[k], k === 'initialDelaySeconds' ? 0 : 1);
}

function checkEnv(where: string, prop: string, env: Readonly<Record<string, EnvValue>> | undefined): void {
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(k)) fail(where, `${prop}`, k, 'env names are letters, digits, "_", "-", "." and do not start with a digit');
    if (typeof v === 'string') continue;
    const ref = v && ('secretKeyRef' in v ? v.secretKeyRef : 'configMapKeyRef' in v ? v.configMapKeyRef : undefined);
    if (ref) {
      if (!ref.name || !ref.key) fail(where, `${prop}.${k}`, v, 'a reference needs both name and key');
    } else if (!(v && 'fieldRef' in v && typeof v.fieldRef.fieldPath === 'string')) {
      fail(where, `${prop}.${k}`, v, 'use a string, { secretKeyRef: { name, key } }, { configMapKeyRef: { name, key } } or { fieldRef: { fieldPath } }');
    }
  }
}

function checkResources(where: string, prop: string, r: ContainerProps['resources']): void {
  if (r === undefined) return;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(where, prop, r, 'use { requests?: { cpu?, memory? }, limits?: { cpu?, memory? } }');
  for (const [k, list] of Object.entries(r)) {
    if (k !== 'requests' && k !== 'limits') fail(where, `${prop}`, k, 'resources has only requests and limits');
    if (typeof list !== 'object' || list === null || Array.isArray(list)) fail(where, `${prop}.${k}`, list, 'use a map such as { cpu: "250m", memory: "256Mi" }');
    for (const [name, q] of Object.entries(list)) {
      if (typeof q !== 'string' || q.trim() === '') fail(where, `${prop}.${k}.${name}`, q, 'quantities are non-empty strings such as "250m" or "256Mi"');
    }
  }
}

function checkContainer(where: string, i: number, c: ContainerProps, names: Set<string>): void {
  const p = `containers[${i}]`;
  if (!c || typeof c.image !== 'string' || c.image.trim() === '' || /\s/.test(c.image)) fail(where, `${p}.image`, c?.image, 'set an image reference such as "ghcr.io/acme/web:1.4.2"');
  if (!c.name || !isDnsLabel(c.name)) fail(where, `${p}.name`, c.name, 'use a DNS label (lower-case letters, digits, "-")');
  if (names.has(c.name)) fail(where, `${p}.name`, c.name, 'container names must be unique');
  names.add(c.name);
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((port, j) => {
    checkPort(where, `${p}.ports[${j}].containerPort`, port.containerPort);
    if (port.servicePort !== undefined) checkPort(where, `${p}.ports[${j}].servicePort`, port.servicePort);
    if (port.name !== undefined) {
      checkPort(where, `${p}.ports[${j}].name`, port.name);
      if (portNames.has(port.name)) fail(where, `${p}.ports[${j}].name`, port.name, 'port names must be unique');
      portNames.add(port.name);
    }
  });
  checkEnv(where, `${p}.env`, c.env);
  checkResources(where, `${p}.resources`, c.resources);
  for (const s of c.envFromSecrets ?? []) if (!isDnsLabel(s) && !/^[a-z0-9.-]+$/.test(s)) fail(where, `${p}.envFromSecrets`, s, 'name an existing Secret');
  checkProbe(where, `${p}.readiness`, c.readiness);
  checkProbe(where, `${p}.liveness`, c.liveness);
}

function checkLabels(where: string, prop: string, labels: Readonly<Record<string, string>> | undefined, valuesAreLabels: boolean): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!isLabelKey(k)) fail(where, prop, k, 'use [prefix/]name, name at most 63 alphanumerics, "-", "_", "."');
    if (typeof v !== 'string' || (valuesAreLabels && !isLabelValue(v))) fail(where, `${prop}.${k}`, v, 'use a string value (labels: at most 63 alphanumerics, "-", "_", ".")');
  }
}

/** Validates an app spec (after overrides): every error names the construct path, the prop and the value. */
export function validateAppSpec(where: string, spec: FederatedAppSpec): void {
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) fail(where, 'containers', spec.containers, 'give at least one container with an image');
  const names = new Set<string>();
  spec.containers.forEach((c, i) => checkContainer(where, i, c, names));
  for (const [k, v] of Object.entries(spec.config ?? {})) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) fail(where, 'config', k, 'ConfigMap keys are alphanumerics, "-", "_", "."');
    if (typeof v !== 'string') fail(where, `config.${k}`, v, 'config values are strings; quote numbers and booleans');
  }
  const a = spec.autoscaling;
  if (a) {
    checkCount(where, 'autoscaling.minReplicas', a.minReplicas, 1);
    checkCount(where, 'autoscaling.maxReplicas', a.maxReplicas, 1);
    if (a.minReplicas === undefined || a.maxReplicas === undefined || a.maxReplicas < a.minReplicas) fail(where, 'autoscaling', a, 'set minReplicas >= 1 and maxReplicas >= minReplicas');
    if (a.targetCpuUtilization !== undefined && !(Number.isInteger(a.targetCpuUtilization) && a.targetCpuUtilization > 0 && a.targetCpuUtilization <= 100)) {
      fail(where, 'autoscaling.targetCpuUtilization', a.targetCpuUtilization, 'use a percentage from 1 to 100');
    }
  }
  const pdb = spec.disruptionBudget;
  if (pdb && (pdb.minAvailable === undefined) === (pdb.maxUnavailable === undefined)) fail(where, 'disruptionBudget', pdb, 'set exactly one of minAvailable and maxUnavailable');
  if (spec.serviceType && !['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.serviceType)) fail(where, 'serviceType', spec.serviceType, 'use ClusterIP, NodePort or LoadBalancer');
  checkLabels(where, 'labels', spec.labels, true);
  checkLabels(where, 'podAnnotations', spec.podAnnotations, false);
}
