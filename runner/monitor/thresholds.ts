// The study's thermal levels: normal < acceptable < warning < critical, each threshold the lowest
// temperature of its level (the upper boundary of the level below is exclusive: exactly 70 °C is
// acceptable with the default thresholds).
import type { MonitorConfig } from '../../schemas/index.js';
import type { Level } from './types.js';

export type Thresholds = MonitorConfig['thresholds'];

/** The level of a temperature in °C. */
export function levelOf(tempC: number, t: Thresholds): Level {
  if (tempC >= t.critical) return 'critical';
  if (tempC >= t.warning) return 'warning';
  if (tempC >= t.acceptable) return 'acceptable';
  return 'normal';
}

const ORDER = ['acceptable', 'warning', 'critical'] as const;

/**
 * Throws an Error (one line naming the key and the fix) unless the thresholds ascend strictly:
 * acceptable < warning < critical. The schema checks each one's type and range; this, the order.
 */
export function checkThresholds(t: Thresholds, at = 'monitor.thresholds'): void {
  for (let i = 1; i < ORDER.length; i++) {
    const [lo, hi] = [ORDER[i - 1]!, ORDER[i]!];
    if (!(t[hi] > t[lo])) {
      throw new Error(`${at}.${hi}=${t[hi]} is not above ${at}.${lo}=${t[lo]}: the thresholds must ascend (acceptable < warning < critical). Fix: raise ${at}.${hi} or lower ${at}.${lo}`);
    }
  }
}

/** A temperature for messages: '96 °C'. */
export const fmtTemp = (tempC: number) => `${Math.round(tempC)} °C`;
