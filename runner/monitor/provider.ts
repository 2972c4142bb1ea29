// Readings from systeminformation (the only source: no /proc parsing, no vendor tools). A training job
// reads them through remote.ts, in a process of its own.
import si from 'systeminformation';
import type { GpuReading, Provider, Reading } from './types.js';

const MIB = 2 ** 20;
const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
/** systeminformation says -1 or null for a sensor it cannot read. */
const temperature = (x: unknown): number | null => {
  const t = finite(x);
  return t !== null && t > 0 ? t : null;
};

/**
 * The machine through systeminformation: cpuTemperature, currentLoad, mem and graphics, read in parallel.
 * graphics (which may start lspci or nvidia-smi) is asked again only if the first answer showed a GPU.
 */
export class SystemProvider implements Provider {
  private gpus = true;

  async read(): Promise<Reading> {
    const noGraphics = { controllers: [] } as unknown as si.Systeminformation.GraphicsData;
    const [temp, load, mem, graphics] = await Promise.allSettled([si.cpuTemperature(), si.currentLoad(), si.mem(), this.gpus ? si.graphics() : noGraphics]);
    const m = mem.status === 'fulfilled' ? mem.value : null;
    const gpus: GpuReading[] = graphics.status === 'fulfilled'
      ? graphics.value.controllers
        .filter((c) => finite(c.utilizationGpu) !== null || finite(c.memoryUsed) !== null)
        .map((c) => ({ util: finite(c.utilizationGpu), memMb: finite(c.memoryUsed) }))
      : [];
    this.gpus = gpus.length > 0;
    return {
      ...cpuTemperature(temp),
      cpuPercent: load.status === 'fulfilled' ? finite(load.value.currentLoad) : null,
      memPercent: m && m.total > 0 ? ((m.total - m.available) / m.total) * 100 : null,
      rssMb: process.memoryUsage.rss() / MIB,
      gpus,
    };
  }

  /**
   * The CPU temperature alone (the launch preflight's sensors line): no load, memory or GPU reads, which start
   * processes and take half a second the first time (currentLoad).
   */
  async temperature(): Promise<Pick<Reading, 'cpuTempC' | 'unreadable'>> {
    const [temp] = await Promise.allSettled([si.cpuTemperature()]);
    return cpuTemperature(temp);
  }
}

/** The package sensor's temperature, else the hottest core's; null with why when none can be read. */
function cpuTemperature(temp: PromiseSettledResult<si.Systeminformation.CpuTemperatureData>): Pick<Reading, 'cpuTempC' | 'unreadable'> {
  const t = temp.status === 'fulfilled' ? temp.value : null;
  const cores = (t?.cores ?? []).map(temperature).filter((c): c is number => c !== null);
  const cpuTempC = temperature(t?.main) ?? temperature(t?.max) ?? (cores.length ? Math.max(...cores) : null);
  if (cpuTempC !== null) return { cpuTempC };
  return { cpuTempC, unreadable: temp.status === 'rejected' ? `systeminformation failed: ${String((temp.reason as Error)?.message ?? temp.reason)}` : 'systeminformation found no CPU temperature sensor' };
}
