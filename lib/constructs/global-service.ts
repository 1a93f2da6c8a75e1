import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FederationError } from '../errors';
import { Federation } from '../federation';
import { isDnsLabel, isDnsSubdomain } from '../k8s-names';
import { LABEL_APP } from '../kube/ownership';
import { selectClusters } from '../placement';
import { ClusterSelection, PlacementDecision } from '../placement/types';
import { ClusterSpec } from '../registry/types';
import { FederatedApp } from './federated-app';

export const MCS_API_VERSION = 'multicluster.x-k8s.io/v1alpha1';
export const EXTERNAL_DNS_API_VERSION = 'externaldns.k8s.io/v1alpha1';

/** A Route 53 style geolocation: a continent code or a country code ('*' is the default location). */
export interface GeoLocation {
  /** e.g. 'EU', 'NA', 'AS'. @default - use country */
  readonly continent?: string;
  /** ISO country code or '*'. @default - use continent */
  readonly country?: string;
}

/** Routing by the client's location: each region's active cluster answers its continent. */
export interface GeoRouting {
  readonly policy: 'geo';
  /** Location per region. @default - guessed from the region's first word (us → NA, eu → EU, apac/ap/asia → AS, sa → SA, af → AF, au/oc → OC, ca → NA, me → AS) */
  readonly locations?: Readonly<Record<string, GeoLocation>>;
  /**
   * Per region, fail over from the active cluster to the region's standby: the geo record
   * points at `<region>.<hostname>`, a PRIMARY/SECONDARY failover pair.
   * @default false
   */
  readonly failover?: boolean;
  /** Region that answers clients matching no location (the '*' record). @default - none */
  readonly defaultRegion?: string;
}

/** Weighted round robin over the active clusters. */
export interface WeightedRouting {
  readonly policy: 'weighted';
  /** Weight per cluster. @default - each cluster's replica count */
  readonly weights?: Readonly<Record<string, number>>;
}

/** One active cluster answers; its standby takes over when it is unhealthy. */
export interface FailoverRouting {
  readonly policy: 'failover';
}

export type RoutingPolicy = GeoRouting | WeightedRouting | FailoverRouting;

export interface GlobalServiceProps {
  /** The app to make reachable; it must expose ports. */
  readonly app: FederatedApp;
  /** The global DNS name, e.g. 'shop.example.com'. */
  readonly hostname: string;
  readonly routing: RoutingPolicy;
  /** DNS target of each cluster's record (hostname or IPv4). @default `<cluster>.<hostname>` */
  readonly targets?: Readonly<Record<string, string>>;
  /** Clusters that get a ServiceImport. @default - the app's clusters */
  readonly consumers?: ClusterSelection;
  /** Record TTL in seconds. @default 60 */
  readonly ttl?: number;
}

const CONTINENTS: Record<string, string> = { us: 'NA', na: 'NA', ca: 'NA', eu: 'EU', europe: 'EU', apac: 'AS', ap: 'AS', asia: 'AS', me: 'AS', sa: 'SA', af: 'AF', au: 'OC', oc: 'OC' };
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

interface Endpoint {
  dnsName: string;
  recordTTL: number;
  recordType: 'A' | 'CNAME';
  targets: string[];
  setIdentifier: string;
  providerSpecific: Array<{ name: string; value: string }>;
}

/**
 * Makes a FederatedApp reachable across its clusters: per app cluster a Multi-Cluster
 * Services ServiceExport of the app's Service and an ExternalDNS DNSEndpoint with that
 * cluster's record under the routing policy; a ServiceImport in every consumer cluster.
 * Records carry Route 53 routing properties (set identifier, geolocation, weight, failover),
 * which ExternalDNS's AWS provider understands.
 */
export class GlobalService extends Construct {
  public readonly hostname: string;

  constructor(scope: Construct, id: string, props: GlobalServiceProps) {
    super(scope, id);
    const where = this.node.path;
    const fed = Federation.of(this);
    const app = props.app;
    if (!(app instanceof FederatedApp)) {
      throw new FederationError('INVALID_PROP', where, `prop "app" is not a FederatedApp, got ${app === null || typeof app !== 'object' ? JSON.stringify(app) : `a ${(app as object).constructor?.name ?? 'object'}`}`, 'pass the FederatedApp to expose');
    }
    if (!isDnsLabel(id)) throw new FederationError('INVALID_NAME', where, `id "${id}" is not a DNS label`, 'it names the DNSEndpoint objects; use lower-case letters, digits and "-"');
    if (app.ports.length === 0) {
      throw new FederationError('INVALID_PROP', where, `app "${app.node.path}" exposes no ports, so it has no Service to export`, 'give the app a container port');
    }
    if (typeof props.hostname !== 'string' || !isDnsSubdomain(props.hostname) || !props.hostname.includes('.')) {
      throw new FederationError('INVALID_PROP', where, `prop "hostname" has invalid value ${JSON.stringify(props.hostname)}`, 'use a fully qualified DNS name such as "shop.example.com"');
    }
    const ttl = props.ttl ?? 60;
    if (!Number.isInteger(ttl) || ttl < 1) throw new FederationError('INVALID_PROP', where, `prop "ttl" has invalid value ${ttl}`, 'use a whole number of seconds >= 1');
    this.hostname = props.hostname;

    const appClusters = app.placements.map((p) => p.cluster.name);
    for (const c of Object.keys(props.targets ?? {})) {
      if (!appClusters.includes(c)) throw new FederationError('INVALID_PROP', where, `prop "targets" names cluster "${c}", where the app is not placed`, `use one of: ${appClusters.join(', ')}`);
    }
    const target = (c: ClusterSpec): string => {
      const t = props.targets?.[c.name] ?? `${c.name}.${props.hostname}`;
      if (!IPV4.test(t) && !isDnsSubdomain(t)) throw new FederationError('INVALID_PROP', where, `prop "targets.${c.name}" has invalid value "${t}"`, 'use a DNS name or an IPv4 address');
      return t;
    };
    const records = routeRecords(props.routing, app.placements, props.hostname, ttl, target, where);

    const metadata = { name: app.name, namespace: app.namespace, labels: { [LABEL_APP]: app.name } };
    // A consumer cluster outside the app's placement holds only a ServiceImport (routing, no data): no residency rule.
    const scopeOf = (c: ClusterSpec) => fed.scopeFor(c, this, { app: app.name, residency: appClusters.includes(c.name) ? app.residency : undefined });
    for (const p of app.placements) {
      new ApiObject(scopeOf(p.cluster), 'ServiceExport', { apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata });
      const endpoints = records.get(p.cluster.name) ?? [];
      if (endpoints.length > 0) {
        new ApiObject(scopeOf(p.cluster), 'DNSEndpoint', {
          apiVersion: EXTERNAL_DNS_API_VERSION, kind: 'DNSEndpoint',
          metadata: { ...metadata, name: id }, spec: { endpoints },
        });
      }
    }
    const consumers = props.consumers ? selectClusters(fed.registry.clusters, props.consumers, `${where} (consumers)`) : app.placements.map((p) => p.cluster);
    const ports = app.ports.map((p) => ({ name: p.name ?? `port-${p.containerPort}`, protocol: p.protocol ?? 'TCP', port: p.servicePort ?? p.containerPort }));
    for (const c of consumers) {
      fed.ensureNamespace(c, app.namespace);
      new ApiObject(scopeOf(c), 'ServiceImport', { apiVersion: MCS_API_VERSION, kind: 'ServiceImport', metadata, spec: { type: 'ClusterSetIP', ports } });
    }
  }
}

function endpoint(dnsName: string, target: string, ttl: number, setIdentifier: string, providerSpecific: Array<{ name: string; value: string }>): Endpoint {
  return { dnsName, recordTTL: ttl, recordType: IPV4.test(target) ? 'A' : 'CNAME', targets: [target], setIdentifier, providerSpecific };
}

function geoProperty(loc: GeoLocation): { name: string; value: string } {
  return loc.country ? { name: 'aws/geolocation-country-code', value: loc.country } : { name: 'aws/geolocation-continent-code', value: loc.continent! };
}

/**
 * The DNS records each cluster publishes, by cluster name. Pure: checks that the app's
 * clusters fit the policy (e.g. one active cluster per region for geo) and says why not.
 */
export function routeRecords(routing: RoutingPolicy, placements: readonly PlacementDecision[], hostname: string, ttl: number,
  target: (c: ClusterSpec) => string, where: string): Map<string, Endpoint[]> {
  const out = new Map<string, Endpoint[]>();
  const add = (c: string, e: Endpoint) => out.set(c, [...(out.get(c) ?? []), e]);
  const active = placements.filter((p) => p.cluster.role !== 'standby');
  const standby = placements.filter((p) => p.cluster.role === 'standby');
  const bad = (message: string, hint: string): never => {
    throw new FederationError('INVALID_ROUTING', where, message, hint);
  };
  switch (routing?.policy) {
    case 'weighted': {
      for (const c of Object.keys(routing.weights ?? {})) {
        if (!active.some((p) => p.cluster.name === c)) bad(`prop "routing.weights" names cluster "${c}", which is not an active cluster of the app`, `use one of: ${active.map((p) => p.cluster.name).join(', ')}`);
      }
      for (const p of active) {
        const w = routing.weights?.[p.cluster.name] ?? p.replicas;
        if (!Number.isInteger(w) || w < 0 || w > 255) bad(`weight ${w} of cluster "${p.cluster.name}" is out of range`, 'use whole weights from 0 to 255');
        add(p.cluster.name, endpoint(hostname, target(p.cluster), ttl, p.cluster.name, [{ name: 'aws/weight', value: String(w) }]));
      }
      return out;
    }
    case 'failover': {
      if (active.length !== 1 || standby.length !== 1) {
        bad(`failover routing needs exactly one active and one standby cluster; the app has active [${active.map((p) => p.cluster.name).join(', ')}] and standby [${standby.map((p) => p.cluster.name).join(', ')}]`,
          'narrow the app\'s placement, or use { policy: "geo", failover: true } for one failover pair per region');
      }
      add(active[0].cluster.name, endpoint(hostname, target(active[0].cluster), ttl, active[0].cluster.name, [{ name: 'aws/failover', value: 'PRIMARY' }]));
      add(standby[0].cluster.name, endpoint(hostname, target(standby[0].cluster), ttl, standby[0].cluster.name, [{ name: 'aws/failover', value: 'SECONDARY' }]));
      return out;
    }
    case 'geo': {
      const regions = [...new Set(placements.map((p) => p.cluster.region))].sort();
      if (routing.defaultRegion !== undefined && !regions.includes(routing.defaultRegion)) {
        bad(`prop "routing.defaultRegion" is "${routing.defaultRegion}", where the app has no cluster`, `use one of: ${regions.join(', ')}`);
      }
      for (const region of regions) {
        const loc = routing.locations?.[region] ?? (CONTINENTS[region.split('-')[0]] ? { continent: CONTINENTS[region.split('-')[0]] } : undefined);
        if (!loc || (!loc.continent && !loc.country)) bad(`no geolocation for region "${region}"`, `add routing.locations["${region}"] = { continent: 'EU' } (or a country code)`);
        const act = active.filter((p) => p.cluster.region === region);
        const stb = standby.filter((p) => p.cluster.region === region);
        if (act.length !== 1) bad(`geo routing needs exactly one active cluster in region "${region}", found [${act.map((p) => p.cluster.name).join(', ')}]`, 'narrow the placement to one active cluster per region, or use weighted routing');
        const a = act[0].cluster;
        const geo = [geoProperty(loc!)];
        const isDefault = routing.defaultRegion === region;
        if (routing.failover) {
          if (stb.length > 1) bad(`geo failover allows one standby per region; region "${region}" has [${stb.map((p) => p.cluster.name).join(', ')}]`, 'keep one standby per region in the placement');
          const regional = `${region}.${hostname}`;
          add(a.name, endpoint(hostname, regional, ttl, region, geo));
          if (isDefault) add(a.name, endpoint(hostname, regional, ttl, 'default', [{ name: 'aws/geolocation-country-code', value: '*' }]));
          add(a.name, endpoint(regional, target(a), ttl, a.name, [{ name: 'aws/failover', value: 'PRIMARY' }]));
          if (stb[0]) add(stb[0].cluster.name, endpoint(regional, target(stb[0].cluster), ttl, stb[0].cluster.name, [{ name: 'aws/failover', value: 'SECONDARY' }]));
        } else {
          add(a.name, endpoint(hostname, target(a), ttl, a.name, geo));
          if (isDefault) add(a.name, endpoint(hostname, target(a), ttl, 'default', [{ name: 'aws/geolocation-country-code', value: '*' }]));
        }
      }
      return out;
    }
    default:
      return bad(`prop "routing" has invalid value ${JSON.stringify(routing)}`, 'use { policy: "geo" }, { policy: "weighted" } or { policy: "failover" }');
  }
}
