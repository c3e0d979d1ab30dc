/** The scheduler (interface, real timers, TimerSlot) lives in the shared leaf base/: the backend uses it too. */
export { type Cancel, type Scheduler, systemScheduler, TimerSlot } from '../../base/scheduler.ts';
