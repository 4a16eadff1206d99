export { Alerter, type AlerterOptions, type ApplySignals } from './alerter';
export { decodeSignal } from './decode-signal';
