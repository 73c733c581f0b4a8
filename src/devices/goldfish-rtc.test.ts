import { test } from "node:test";
import assert from "node:assert/strict";
import {
  GoldfishRtc, RTC_ALARM_HIGH, RTC_ALARM_LOW, RTC_ALARM_STATUS, RTC_CLEAR_ALARM, RTC_CLEAR_INTERRUPT,
  RTC_IRQ_ENABLED, RTC_TIME_HIGH, RTC_TIME_LOW,
} from "./goldfish-rtc.js";

function mk(startNs: bigint) {
  let host = startNs;
  const levels: boolean[] = [];
  const rtc = new GoldfishRtc({ set: (l) => levels.push(l) }, () => host);
  const rd = (o: number) => rtc.read(o, 4);
  const wr = (o: number, v: number) => rtc.write(o, 4, v);
  const time = () => {
    const lo = BigInt(rd(RTC_TIME_LOW));
    return (BigInt(rd(RTC_TIME_HIGH)) << 32n) | lo;
  };
  const alarmAt = (ns: bigint) => {
    wr(RTC_ALARM_HIGH, Number(ns >> 32n));
    wr(RTC_ALARM_LOW, Number(ns & 0xffffffffn));
  };
  return { rtc, rd, wr, time, alarmAt, levels, advance: (ns: bigint) => (host += ns), irq: () => levels.at(-1) ?? false };
}

const T0 = 1_764_000_000_123_456_789n; // a 2025 date, in ns: the high half is non-zero

test("the time reads as the host clock, low half first latching the high half", () => {
  const r = mk(T0);
  assert.equal(r.time(), T0);
  r.advance(5_000_000_000n);
  assert.equal(r.time(), T0 + 5_000_000_000n);
  // the high half read after TIME_LOW is the one latched then, even if the clock carried since
  const c = mk(0xffff_fff0n);
  assert.equal(c.rd(RTC_TIME_LOW), 0xffff_fff0);
  c.advance(0x20n);
  assert.equal(c.rd(RTC_TIME_HIGH), 0, "latched before the carry");
  assert.equal(c.rtc.read(RTC_TIME_LOW, 2), 0, "only 32-bit accesses");
});

test("setting the time moves the guest's clock only: it keeps running from there", () => {
  const r = mk(T0);
  const want = 1_000_000_000_000_000_000n; // 2001-09-09
  r.wr(RTC_TIME_HIGH, Number(want >> 32n));
  r.wr(RTC_TIME_LOW, Number(want & 0xffffffffn));
  assert.equal(r.time(), want);
  r.advance(7n);
  assert.equal(r.time(), want + 7n);
});

test("an alarm fires once its time has come, raising the line only while enabled", () => {
  const r = mk(T0);
  r.wr(RTC_IRQ_ENABLED, 1);
  r.alarmAt(T0 + 1_000_000n);
  assert.equal(r.rd(RTC_ALARM_STATUS), 1);
  assert.equal(r.rd(RTC_ALARM_LOW), Number((T0 + 1_000_000n) & 0xffffffffn));
  assert.equal(r.rd(RTC_ALARM_HIGH), Number((T0 + 1_000_000n) >> 32n));
  r.rtc.poll();
  assert.equal(r.irq(), false, "not yet");
  r.advance(1_000_000n);
  r.rtc.poll();
  assert.equal(r.irq(), true);
  assert.equal(r.rd(RTC_ALARM_STATUS), 0, "a fired alarm is disarmed");
  r.wr(RTC_IRQ_ENABLED, 0);
  assert.equal(r.irq(), false, "masked while disabled");
  r.wr(RTC_IRQ_ENABLED, 1);
  assert.equal(r.irq(), true, "still pending");
  r.wr(RTC_CLEAR_INTERRUPT, 1);
  assert.equal(r.irq(), false);
});

test("an alarm already due fires at once; a cleared alarm never fires", () => {
  const r = mk(T0);
  r.wr(RTC_IRQ_ENABLED, 1);
  r.alarmAt(T0 - 1n);
  assert.equal(r.irq(), true);
  r.wr(RTC_CLEAR_INTERRUPT, 1);
  r.alarmAt(T0 + 10n);
  r.wr(RTC_CLEAR_ALARM, 1);
  assert.equal(r.rd(RTC_ALARM_STATUS), 0);
  r.advance(100n);
  r.rtc.poll();
  assert.equal(r.irq(), false);
});

test("hostile accesses never throw and the registers stay 32-bit", () => {
  const r = mk(T0);
  const vals = [NaN, Infinity, -1, 2 ** 53, 1.5, 0xffffffff, 2 ** 32 + 5];
  for (let i = 0; i < 3000; i++) {
    const off = [0, 4, 8, 0xc, 0x10, 0x14, 0x18, 0x1c, 0x20, 0xffc, -4, NaN][i % 12];
    const size = [1, 2, 4][i % 3] as 1 | 2 | 4;
    r.rtc.write(off, size, vals[i % vals.length]);
    const v = r.rtc.read(off, size);
    assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, `read ${off}: ${v}`);
    r.rtc.poll();
  }
});
