/**
 * The default estate, modelled on the recorded Thruk 3.20.2 / Icinga 2.13 estate
 * (test/fixtures/thruk): same host names, services, outputs and core order, plus a few extra
 * hosts with the awkward names real estates have.
 */

export interface HostSpec {
  name: string;
  alias: string;
  address: string;
  groups: readonly string[];
  parents: readonly string[];
  os: string;
  notesUrl?: string;
  actionUrl?: string;
  /** 0 up, 1 down, 2 unreachable */
  state?: number;
  /** hours since the current state began */
  age?: number;
  /** a: acknowledged (sticky) */
  flags?: string;
}

/** state -> [plugin_output, perf_data, long_plugin_output?] */
export type KindOutputs = Readonly<Record<number, readonly [string, string, string?]>>;

const NODATA = ['UNKNOWN - No data received from host', ''] as const;

export const KINDS: Readonly<Record<string, KindOutputs>> = {
  'host-ping': {
    0: ['PING OK - Packet loss = 0%, RTA = 0.42 ms', 'rta=0.42ms;100;500;0 pl=0%;20;60;0'],
    1: ['PING CRITICAL - Packet loss = 100%', 'rta=0ms;100;500;0 pl=100%;20;60;0'],
    2: ['PING CRITICAL - Packet loss = 100%', 'rta=0ms;100;500;0 pl=100%;20;60;0'],
  },
  ping: {
    0: ['PING OK - Packet loss = 0%, RTA = 0.51 ms', 'rta=0.51ms;100;500;0 pl=0%;20;60;0'],
    1: ['PING WARNING - Packet loss = 30%, RTA = 180.20 ms', 'rta=180.2ms;100;500;0 pl=30%;20;60;0'],
    2: ['PING CRITICAL - Packet loss = 100%', 'rta=0ms;100;500;0 pl=100%;20;60;0'],
    3: NODATA,
  },
  ssh: {
    0: ['SSH OK - OpenSSH_9.2p1 Debian-2+deb12u3 (protocol 2.0)', ''],
    2: ['CRITICAL - Socket timeout after 10 seconds', ''],
    3: NODATA,
  },
  'ssh-t': {
    0: ['SSH OK - OpenSSH_9.2p1 Debian-2+deb12u3 (protocol 2.0)', 'time=0.012s;;;0.000000;10.000000'],
    2: ['CRITICAL - Socket timeout after 10 seconds', ''],
  },
  ntp: {
    0: ['NTP OK: Offset 0.000312 secs', 'offset=0.000312s;60;120;'],
    1: ['NTP WARNING: Offset 72.3 secs', 'offset=72.3s;60;120;'],
    3: ['UNKNOWN - NTP server not responding: timeout after 10 seconds', ''],
  },
  load: {
    0: ['OK - load average: 0.52, 0.34, 0.21', 'load1=0.52;5;10;0; load5=0.34;4;8;0; load15=0.21;3;6;0;'],
    1: ['WARNING - load average: 6.12, 5.40, 4.98', 'load1=6.12;5;10;0; load5=5.40;4;8;0; load15=4.98;3;6;0;'],
    2: ['CRITICAL - load average: 14.80, 12.10, 9.95', 'load1=14.80;5;10;0; load5=12.10;4;8;0; load15=9.95;3;6;0;'],
    3: NODATA,
  },
  memory: {
    0: ['OK - 41.2% memory used (6.6 GB of 16 GB)', 'mem_used=41.2%;85;95;0;100'],
    1: ['WARNING - 88.9% memory used (14.2 GB of 16 GB)', 'mem_used=88.9%;85;95;0;100'],
    2: ['CRITICAL - 97.3% memory used (15.6 GB of 16 GB)', 'mem_used=97.3%;85;95;0;100'],
    3: NODATA,
  },
  winmem: {
    0: [
      'OK - Memory usage: total:8191.36 MB - used: 3120.22 MB (38%) - free: 5071.14 MB (62%)',
      "'Memory usage'=3120.22MB;6553.09;7372.22;0.00;8191.36",
    ],
    3: NODATA,
  },
  disk: {
    0: ['DISK OK - free space: / 41230 MB (58% inode=91%);', '/=28770MB;56000;63000;0;70000'],
    1: ['DISK WARNING - free space: / 8432 MB (12% inode=88%);', '/=62108MB;61440;65536;0;70000'],
    2: ['DISK CRITICAL - free space: / 1210 MB (1% inode=80%);', '/=68790MB;61440;65536;0;70000'],
    3: NODATA,
  },
  http: {
    0: [
      'HTTP OK: HTTP/1.1 200 OK - 10123 bytes in 0.045 second response time ',
      'time=0.045234s;1.000000;2.000000;0.000000;10.000000 size=10123B;;;0',
    ],
    1: [
      'HTTP WARNING: HTTP/1.1 200 OK - 10123 bytes in 1.412 second response time ',
      'time=1.412000s;1.000000;2.000000;0.000000;10.000000 size=10123B;;;0',
    ],
    2: ['CRITICAL - Socket timeout after 10 seconds', ''],
    3: NODATA,
  },
  'https-cert': {
    0: ["OK - Certificate 'www.example.invalid' will expire on {date+250d}.", ''],
    1: ["WARNING - Certificate 'www.example.invalid' expires in 12 day(s) ({date+12d}).", ''],
    2: ["CRITICAL - Certificate 'www.example.invalid' expired on {date-36d}.", ''],
  },
  'mysql-replication': {
    0: ['OK - Slave is 0 seconds behind master', 'lag=0s;300;900;0;'],
    1: ['WARNING - Slave lag 412 seconds', 'lag=412s;300;900;0;'],
    2: ['CRITICAL - Slave lag 1840 seconds', 'lag=1840s;300;900;0;'],
  },
  'mysql-connections': {
    0: ['OK - 42 client connection threads', 'threads_connected=42;200;300;0;'],
    1: ['WARNING - 231 client connection threads', 'threads_connected=231;200;300;0;'],
  },
  interfaces: {
    0: ['OK - 24 of 24 interfaces up', 'up=24;;;0;24 down=0;0;2;0;24'],
    1: ['WARNING - 1 of 24 interfaces down: ethernet1/7', 'up=23;;;0;24 down=1;0;2;0;24'],
    2: ['CRITICAL - host unreachable via SNMP', ''],
  },
  cpu: {
    0: ['OK - CPU Load 7% (5 min average)', "'5 min avg Load'=7%;80;90;0;100"],
    1: ['WARNING - CPU Load 84% (5 min average)', "'5 min avg Load'=84%;80;90;0;100"],
    3: NODATA,
  },
  services: {
    0: ['OK - All 48 service(s) are ok.', ''],
    // Windows agents put a literal backslash-n into the long output (seen in services_long_output).
    2: ['CRITICAL - 2 of 48 services stopped: W32Time, Netlogon', '', 'W32Time: stopped\\nNetlogon: stopped\\nDNS: running'],
    3: NODATA,
  },
  'disk C:': {
    0: ['OK - C:\\ total: 120.00 GB - used: 51.30 GB (43%) - free 68.70 GB (57%)', "'C:\\ used'=51.30GB;96;108;0;120"],
    2: ['CRITICAL - C:\\ total: 120.00 GB - used: 117.90 GB (98%) - free 2.10 GB (2%)', "'C:\\ used'=117.90GB;96;108;0;120"],
    3: NODATA,
  },
  'backup-job': {
    0: ['OK - backup finished in 2h05m', 'duration=7500s;14400;21600;0;'],
    1: ['WARNING - backup took 4h12m', 'duration=15120s;14400;21600;0;'],
  },
  'queue-depth': {
    0: ['OK - queue depth 12', 'depth=12;100;500;0;'],
    1: ['WARNING - queue depth 240', 'depth=240;100;500;0;'],
    2: ['CRITICAL - queue depth 812', 'depth=812;100;500;0;'],
  },
  smtp: { 0: ['SMTP OK - 0.021 sec. response time', 'time=0.021s;;;0.000000'], 2: ['CRITICAL - Socket timeout after 10 seconds', ''] },
  imap: {
    0: ['IMAP OK - 0.012 second response time on port 143', 'time=0.012s;;;0.000000;10.000000'],
    2: ['CRITICAL - Socket timeout after 10 seconds', ''],
  },
  data: {
    0: ['DISK OK - free space: /data 802 GB (40%);', 'data=1198GB;1600;1800;0;2000'],
    2: ['DISK CRITICAL - free space: /data 31 GB (1.5%);', 'data=1969GB;1600;1800;0;2000'],
  },
  backup: { 0: ['OK - nightly backup completed, 412 GB in 3h41m', 'size=412GB;;;0; duration=13260s;21600;28800;0;'] },
  snapshot: { 0: ['OK - newest snapshot is 2h old', 'age=7200s;86400;172800;0;'] },
  raid: { 0: ['OK - RAID6 md0: 8/8 disks active, clean', ''] },
  vip: {
    0: ['HTTP OK: HTTP/1.1 200 OK - 5120 bytes in 0.010 second response time ', 'time=0.010s;0.5;1;0; size=5120B;;;0'],
    1: ['HTTP WARNING: HTTP/1.1 200 OK - 5120 bytes in 0.734 second response time ', 'time=0.734s;0.5;1;0; size=5120B;;;0'],
  },
  tls: { 0: ['OK - TLS handshake in 38 ms (TLSv1.3)', 'handshake=38ms;250;500;0;'] },
  pool: { 0: ['OK - pool web: 4 of 4 members up', 'members_up=4;2;1;0;4'] },
  fan: { 0: ['OK - Lüfter 1-4 normal, 4200 rpm', 'fan1=4200rpm;;;0; fan2=4180rpm;;;0;'] },
  spooler: { 0: ['OK - Spooler running, 3 jobs queued', 'jobs=3;50;100;0;'] },
  uptime: { 0: ['OK - uptime 42 days 03:12', 'uptime=3640320s;;;0;'] },
  procs: { 0: ['PROCS OK: 182 processes', 'procs=182;250;400;0;'] },
  users: { 0: ['USERS OK - 2 users currently logged in', 'users=2;20;50;0'] },
  swap: { 0: ['SWAP OK - 98% free (2008 MB out of 2047 MB)', 'swap=2008MB;0;0;0;2047'] },
  drive: {
    0: ['OK - C:\\ total: 80.00 GB - used: 33.10 GB (41%)', "'C:\\ Drive'=33.10GB;64;72;0;80"],
  },
};

/** Added to every host of the repeated copies so large estates have ≈10 services per host. */
export const COPY_EXTRAS: readonly string[] = ['uptime', 'procs', 'users', 'swap'];

/** Service group of each service kind (the recorded estate has exactly one group per service). */
export const GROUP_OF_KIND: Readonly<Record<string, string>> = {
  ping: 'connectivity',
  ssh: 'connectivity',
  'ssh-t': 'connectivity',
  ntp: 'connectivity',
  interfaces: 'connectivity',
  http: 'web-services',
  'https-cert': 'web-services',
  vip: 'web-services',
  tls: 'web-services',
  pool: 'web-services',
  'mysql-replication': 'database-services',
  'mysql-connections': 'database-services',
  smtp: 'mail-services',
  imap: 'mail-services',
};

export const HOSTGROUPS: ReadonlyArray<readonly [string, string]> = [
  ['linux-servers', 'Linux Servers'],
  ['database-servers', 'Database Servers'],
  ['network-devices', 'Network Devices'],
  ['web-servers', 'Web Servers'],
  ['windows-servers', 'Windows Servers'],
  ['storage-servers', 'Storage Servers'],
];

export const SERVICEGROUPS: ReadonlyArray<readonly [string, string]> = [
  ['connectivity', 'Connectivity Checks'],
  ['database-services', 'Database Services'],
  ['web-services', 'Web Services'],
  ['system-health', 'System Health'],
  ['mail-services', 'Mail Services'],
];

const L = ['linux-servers'] as const;
const LW = ['linux-servers', 'web-servers'] as const;
const LD = ['linux-servers', 'database-servers'] as const;
const N = ['network-devices'] as const;
const W = ['windows-servers'] as const;

/** Hosts in core order (the order the recorded Icinga 2 returned them). */
export const HOSTS: readonly HostSpec[] = [
  {
    name: 'web-02',
    alias: 'Web Server 02',
    address: '10.0.1.12',
    groups: LW,
    parents: ['dist-switch-01'],
    os: 'linux',
    actionUrl: 'https://grafana.example.invalid/d/host?var-host=web-02',
  },
  {
    name: 'web-04',
    alias: 'Web Server 04',
    address: '10.0.1.14',
    groups: LW,
    parents: ['dist-switch-01'],
    os: 'linux',
    actionUrl: 'https://grafana.example.invalid/d/host?var-host=web-04',
  },
  { name: 'dist-switch-01', alias: 'Distribution Switch 01', address: '10.0.1.1', groups: N, parents: ['core-switch-01'], os: 'ios' },
  {
    name: 'win-app-01',
    alias: 'Legacy ERP Server',
    address: '10.0.2.44',
    groups: W,
    parents: ['dist-switch-02'],
    os: 'windows',
    state: 1,
    age: 50,
  },
  { name: 'dist-switch-02', alias: 'Distribution Switch 02', address: '10.0.2.1', groups: N, parents: ['core-switch-01'], os: 'ios' },
  {
    name: 'branch-ap-01',
    alias: 'Branch WiFi AP',
    address: '10.9.0.20',
    groups: N,
    parents: ['branch-router-01'],
    os: 'ios',
    state: 2,
    age: 5,
  },
  { name: 'mon-01', alias: 'Monitoring Server', address: '10.0.1.5', groups: L, parents: ['dist-switch-01'], os: 'linux' },
  { name: 'win-file-01', alias: 'File Server', address: '10.0.2.43', groups: W, parents: ['dist-switch-02'], os: 'windows' },
  { name: 'db-03', alias: 'Database Reporting', address: '10.0.2.33', groups: LD, parents: ['dist-switch-02'], os: 'linux' },
  {
    name: 'web-03',
    alias: 'Web Server 03',
    address: '10.0.1.13',
    groups: LW,
    parents: ['dist-switch-01'],
    os: 'linux',
    actionUrl: 'https://grafana.example.invalid/d/host?var-host=web-03',
  },
  {
    name: 'branch-router-01',
    alias: 'Branch Router Hamburg',
    address: '10.9.0.1',
    groups: N,
    parents: ['fw-01'],
    os: 'ios',
    state: 1,
    age: 5,
  },
  { name: 'app-02', alias: 'Application Server 02', address: '10.0.1.22', groups: L, parents: ['dist-switch-01'], os: 'linux' },
  { name: 'db-02', alias: 'Database Replica', address: '10.0.2.32', groups: LD, parents: ['dist-switch-02'], os: 'linux' },
  { name: 'win-dc-01', alias: 'Domain Controller 01', address: '10.0.2.41', groups: W, parents: ['dist-switch-02'], os: 'windows' },
  {
    name: 'web-01',
    alias: 'Web Server 01',
    address: '10.0.1.11',
    groups: LW,
    parents: ['dist-switch-01'],
    os: 'linux',
    notesUrl: 'https://wiki.example.invalid/hosts/web-01',
    actionUrl: 'https://grafana.example.invalid/d/host?var-host=web-01',
  },
  { name: 'win-dc-02', alias: 'Domain Controller 02', address: '10.0.2.42', groups: W, parents: ['dist-switch-02'], os: 'windows' },
  { name: 'core-switch-01', alias: 'Core Switch 01', address: '10.0.0.1', groups: N, parents: [], os: 'ios' },
  {
    name: 'db-01',
    alias: 'Database Primary',
    address: '10.0.2.31',
    groups: LD,
    parents: ['dist-switch-02'],
    os: 'linux',
    notesUrl: 'https://wiki.example.invalid/hosts/db-01',
  },
  { name: 'fw-01', alias: 'Perimeter Firewall', address: '10.0.0.254', groups: N, parents: ['core-switch-01'], os: 'panos' },
  { name: 'app-01', alias: 'Application Server 01', address: '10.0.1.21', groups: L, parents: ['dist-switch-01'], os: 'linux' },
  {
    name: 'nas-01.example.com',
    alias: 'NAS Storage 01',
    address: '10.0.2.50',
    groups: ['linux-servers', 'storage-servers'],
    parents: ['dist-switch-02'],
    os: 'linux',
  },
  {
    name: 'mail-01',
    alias: 'Mail Gateway',
    address: '10.0.1.30',
    groups: L,
    parents: ['dist-switch-01'],
    os: 'linux',
    state: 1,
    age: 30,
    flags: 'a',
  },
  { name: 'lb-01', alias: 'Load Balancer 01', address: '10.0.1.2', groups: N, parents: ['dist-switch-01'], os: 'tmos' },
  { name: 'win-app-02', alias: 'ERP Application Server 02', address: '10.0.2.45', groups: W, parents: ['dist-switch-02'], os: 'windows' },
  { name: 'print-01', alias: 'Print Server', address: '10.0.2.60', groups: W, parents: ['dist-switch-02'], os: 'windows' },
];

/**
 * Services in core order: `host|description[=state][@age hours][#flags][~kind]`.
 * Flags: p passive, f flapping, a acknowledged, n notifications disabled, P pending, d in downtime, s soft.
 */
export const SERVICES: readonly string[] = [
  'web-02|https-cert',
  'win-dc-02|memory~winmem',
  'db-01|ssh',
  'web-04|ntp',
  'win-dc-01|services',
  'mon-01|ntp=3@2',
  'db-01|disk /',
  'db-03|mysql-connections',
  'web-03|disk /',
  'db-03|ping',
  'web-04|ssh',
  'mon-01|load',
  'win-file-01|cpu',
  'db-01|mysql-connections',
  'mon-01|ping',
  'web-01|ntp',
  'web-02|ntp',
  'db-02|mysql-connections',
  'branch-ap-01|ping=2@5',
  'db-03|memory',
  'db-03|ssh',
  'app-01|ssh~ssh-t',
  'app-02|memory=2@9',
  'web-02|http',
  'dist-switch-01|ping',
  'mon-01|backup-job=1@6#p',
  'app-01|memory',
  'db-03|mysql-replication',
  'db-01|ntp',
  'web-03|ping',
  'win-dc-02|cpu',
  'web-03|memory',
  'mon-01|memory',
  'web-03|http',
  'web-01|https-cert',
  'db-01|mysql-replication',
  'branch-router-01|ping=2@5',
  'core-switch-01|interfaces',
  'web-04|memory',
  'win-dc-01|disk C:',
  'win-dc-01|ping',
  'web-01|memory',
  'branch-router-01|interfaces=2@5',
  'win-app-01|ping=2@50',
  'web-03|ntp',
  'win-file-01|disk C:=2@20',
  'db-03|ntp',
  'win-app-01|memory=3@50~winmem',
  'db-02|mysql-replication=2@1.5',
  'app-02|ssh',
  'win-file-01|services',
  'web-04|https-cert=1@70',
  'db-01|memory',
  'web-04|disk /',
  'app-02|ping',
  'dist-switch-02|interfaces',
  'win-dc-01|memory~winmem',
  'app-02|ntp',
  'web-02|load=1@0.8',
  'db-01|ping',
  'web-02|ssh',
  'mon-01|disk /',
  'dist-switch-02|ping',
  'win-app-01|cpu=3@50',
  'win-file-01|ping',
  'fw-01|ping',
  'dist-switch-01|interfaces',
  'web-03|ssh',
  'app-01|ping',
  'win-file-01|memory~winmem',
  'db-02|memory',
  'db-01|load',
  'db-03|disk /=1@12',
  'db-02|ping',
  'app-01|ntp',
  'app-02|load',
  'web-02|disk /',
  'web-01|load',
  'win-dc-02|ping',
  'app-01|load',
  'db-02|disk /',
  'branch-ap-01|interfaces=2@5',
  'web-04|ping',
  'app-01|disk /',
  'web-04|http',
  'web-03|https-cert',
  'app-01|queue-depth=2@0.5#f',
  'mon-01|ssh',
  'web-01|http',
  'web-02|ping',
  'win-dc-01|cpu',
  'db-02|load',
  'db-03|load',
  'db-02|ntp',
  'web-01|ssh',
  'fw-01|interfaces=1@3',
  'web-04|load',
  'web-01|ping',
  'web-01|disk /',
  'app-02|disk /',
  'win-app-01|services=3@50',
  'win-dc-02|disk C:',
  'win-app-01|disk C:=3@50',
  'db-02|ssh',
  'core-switch-01|ping',
  'win-dc-02|services=2@4',
  'web-02|memory',
  'web-03|load',
  'nas-01.example.com|ping',
  'nas-01.example.com|ssh',
  'nas-01.example.com|load',
  'nas-01.example.com|memory',
  'nas-01.example.com|disk /',
  'nas-01.example.com|disk "data"=2@7#a~data',
  "nas-01.example.com|backup 'nightly'#p~backup",
  'nas-01.example.com|snapshot-age#P~snapshot',
  'nas-01.example.com|raid',
  'mail-01|ping=2@30',
  'mail-01|smtp=2@30',
  'mail-01|imap=2@30',
  'mail-01|ssh=2@30',
  'mail-01|load=3@30',
  'mail-01|memory=3@30',
  'mail-01|disk /=3@30',
  'lb-01|ping',
  'lb-01|interfaces',
  'lb-01|http-vip=1@1#d~vip',
  'lb-01|ssl-handshake#n~tls',
  'lb-01|pool web~pool',
  'lb-01|cpu',
  'lb-01|memory',
  'lb-01|Lüfter Status~fan',
  'win-app-02|ping',
  'win-app-02|cpu=1@0.05#s',
  'win-app-02|memory~winmem',
  'win-app-02|C:\\ Drive~drive',
  'win-app-02|disk C:',
  'win-app-02|services',
  'win-app-02|ntp',
  'win-app-02|https-cert',
  'print-01|ping',
  'print-01|cpu',
  'print-01|memory~winmem',
  'print-01|spooler',
  'print-01|disk C:',
  'print-01|services',
];
