// Package tariff is parkd's pure pricing engine: parking tariffs (with
// grace, blocks, day/night bands, caps, vehicle classes, passes and coupons)
// and charging price standards. It does no I/O: time zones are passed in,
// amounts are int64 minor units of the lot currency, and every result comes
// with a breakdown that explains it.
//
// The parking document format and every pricing rule are described in
// docs/tariffs.md; the code keeps each rule in one place (see sweep.go for
// blocks and caps, coupon.go for deductions, price.go for what is due).
package tariff
