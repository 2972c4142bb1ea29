/** `${now:<strftime>}`: every run of one process shares one timestamp, as in Hydra. */
let processTime: Date | null = null;

export function processTimestamp(): Date {
  processTime ??= new Date();
  return processTime;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The strftime subset Hydra configs use: %Y %y %m %d %H %I %M %S %f %p %j %a %A %b %B %%. */
export function strftime(format: string, date: Date = processTimestamp()): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const startOfYear = new Date(date.getFullYear(), 0, 1);
  const fields: Record<string, () => string> = {
    Y: () => String(date.getFullYear()),
    y: () => pad(date.getFullYear() % 100),
    m: () => pad(date.getMonth() + 1),
    d: () => pad(date.getDate()),
    H: () => pad(date.getHours()),
    I: () => pad(date.getHours() % 12 || 12),
    M: () => pad(date.getMinutes()),
    S: () => pad(date.getSeconds()),
    f: () => pad(date.getMilliseconds() * 1000, 6),
    p: () => (date.getHours() < 12 ? 'AM' : 'PM'),
    j: () => pad(Math.floor((date.getTime() - startOfYear.getTime()) / 86_400_000) + 1, 3),
    a: () => DAYS[date.getDay()]!.slice(0, 3),
    A: () => DAYS[date.getDay()]!,
    b: () => MONTHS[date.getMonth()]!.slice(0, 3),
    B: () => MONTHS[date.getMonth()]!,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, code: string) => (fields[code] ? fields[code]() : all));
}
