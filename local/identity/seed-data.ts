/** A role a caller may hold; exactly one per token. */
export type Role = 'admin' | 'crew' | 'customer';

/** A seeded dev user. */
export interface SeedUser {
  sub: string;
  role: Role;
  name: string;
}

/** A seeded job, as API.md lists it. */
export interface SeedJob {
  jobId: string;
  customerId: string;
  crewIds: string[];
  address: string;
  site: { lat: number; lon: number };
  dumpsterSize: string;
  status: string;
  /** Delivery date (YYYY-MM-DD) and rental days, so the dashboard shows dates. */
  deliveryDate: string;
  rentalDays: number;
}

/** The users created on first start (API.md, "Local runtime only"). */
export const seedUsers: SeedUser[] = [
  { sub: 'admin-demo', role: 'admin', name: 'Dana Admin' },
  { sub: 'crew-demo', role: 'crew', name: 'Carlos Crew' },
  { sub: 'cust-demo', role: 'customer', name: 'Casey Customer' },
  { sub: 'cust-other', role: 'customer', name: 'Olive Other' },
];

/** The jobs created on first start. */
export const seedJobs: SeedJob[] = [
  {
    jobId: 'job-demo-1',
    customerId: 'cust-demo',
    crewIds: ['crew-demo'],
    address: '1400 John F Kennedy Blvd, Philadelphia, PA 19107',
    site: { lat: 39.9526, lon: -75.1652 },
    dumpsterSize: '20yd',
    status: 'scheduled',
    deliveryDate: '2026-12-07',
    rentalDays: 7,
  },
  {
    jobId: 'job-demo-2',
    customerId: 'cust-other',
    crewIds: [],
    address: '600 Arch St, Philadelphia, PA 19106',
    site: { lat: 39.9522, lon: -75.1496 },
    dumpsterSize: '10yd',
    status: 'scheduled',
    deliveryDate: '2026-12-09',
    rentalDays: 3,
  },
];
