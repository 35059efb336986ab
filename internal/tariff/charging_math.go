package tariff

import (
	"math/bits"
	"time"
)

// chargeMoneyMax bounds every amount Price computes (about 1.15e18 minor units):
// absurd input saturates here instead of wrapping, and a sum of two bounded
// amounts cannot overflow int64.
const chargeMoneyMax int64 = 1 << 60

func chargeClampMoney(v int64) int64 {
	return min(max(v, 0), chargeMoneyMax)
}

// chargeAdd adds two non-negative amounts, saturating at chargeMoneyMax.
func chargeAdd(a, b int64) int64 {
	return chargeClampMoney(chargeClampMoney(a) + chargeClampMoney(b))
}

// chargeMul multiplies two non-negative numbers, saturating at chargeMoneyMax.
func chargeMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > uint64(chargeMoneyMax) {
		return chargeMoneyMax
	}
	return int64(lo)
}

// chargeKWhPrice is the price of wh watt-hours at rate minor units per
// kWh, rounded half up once: (wh*rate + 500) / 1000 in 128-bit arithmetic.
func chargeKWhPrice(wh, rate int64) int64 {
	if wh <= 0 || rate <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(wh), uint64(rate))
	lo, c := bits.Add64(lo, 500, 0)
	hi += c
	if hi >= 1000 {
		return chargeMoneyMax
	}
	q, _ := bits.Div64(hi, lo, 1000)
	if q > uint64(chargeMoneyMax) {
		return chargeMoneyMax
	}
	return int64(q)
}

// chargeScale returns floor(v * num / den) for 0 <= num <= den, den > 0,
// v >= 0, exactly; the result never exceeds v.
func chargeScale(v int64, num, den time.Duration) int64 {
	if v <= 0 || num <= 0 || den <= 0 {
		return 0
	}
	if num >= den {
		return v
	}
	hi, lo := bits.Mul64(uint64(v), uint64(num))
	q, _ := bits.Div64(hi, lo, uint64(den)) // hi < den because num < den
	return int64(q)
}

// chargeU128 accumulates non-negative products for weighted averages.
type chargeU128 struct{ hi, lo uint64 }

func (u *chargeU128) addMul(a, b uint64) {
	hi, lo := bits.Mul64(a, b)
	var c uint64
	u.lo, c = bits.Add64(u.lo, lo, 0)
	u.hi, _ = bits.Add64(u.hi, hi, c)
}

// div returns u / d, saturating when the quotient does not fit 64 bits.
func (u chargeU128) div(d uint64) uint64 {
	if d == 0 {
		return 0
	}
	if u.hi >= d {
		return ^uint64(0)
	}
	q, _ := bits.Div64(u.hi, u.lo, d)
	return q
}

// chargeCeilMinutes is the number of started minutes from a to b (0 when b
// is not after a), computed from seconds so that no span overflows.
func chargeCeilMinutes(a, b time.Time) int64 {
	if !b.After(a) {
		return 0
	}
	sec := b.Unix() - a.Unix()
	ns := int64(b.Nanosecond() - a.Nanosecond())
	if ns < 0 {
		sec--
		ns += 1e9
	}
	m := sec / 60
	if sec%60 != 0 || ns != 0 {
		m++
	}
	return m
}
