/**
 * Campaign cron (five Unix fields: minute hour day-of-month month day-of-week, Sunday = 0) to
 * EventBridge Scheduler's six-field form: one of the day fields must be '?', a year field is
 * added, and days of the week count from Sunday = 1.
 */
const DOW_NAMES = /^(SUN|MON|TUE|WED|THU|FRI|SAT)(-(SUN|MON|TUE|WED|THU|FRI|SAT))?$/i;

function shiftDow(field: string): string {
  return field
    .split(',')
    .map((part) => {
      if (part === '*' || DOW_NAMES.test(part)) return part.toUpperCase();
      const m = /^(\d)(?:-(\d))?(\/\d+)?$/.exec(part);
      if (!m) throw new Error(`unsupported day-of-week "${part}"`);
      const one = (d: string) => String((Number(d) % 7) + 1);
      return `${one(m[1]!)}${m[2] ? `-${one(m[2])}` : ''}${m[3] ?? ''}`;
    })
    .join(',');
}

export function toSchedulerCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`"${cron}": five cron fields expected`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dow === '*') return `cron(${minute} ${hour} ${dom} ${month} ? *)`;
  if (dom === '*') return `cron(${minute} ${hour} ? ${month} ${shiftDow(dow)} *)`;
  throw new Error(`"${cron}": Scheduler cannot restrict both day-of-month and day-of-week`);
}
