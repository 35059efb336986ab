package park

// MinSecretLen is the shortest secret a partner or a sales channel that
// signs its calls may have: the signature is an MD5 or HMAC keyed with
// it, so a shorter one can be guessed and signatures forged with it.
const MinSecretLen = 16

// CheckSecretLen refuses (EInvalid, naming field) a signing secret
// shorter than MinSecretLen.
func CheckSecretLen(field, secret string) error {
	if len(secret) < MinSecretLen {
		return Invalid(field, "must be at least %d bytes (a shorter one can be guessed)", MinSecretLen)
	}
	return nil
}
