package park

// CouponTx is the part of Tx for this file's records.
type CouponTx interface{}
