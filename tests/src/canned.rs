//! Canned STS response documents for the fault server.

/// A `<{op}Response>` document around `result`, with a request id.
pub fn success(op: &str, result: &str) -> String {
    format!(
        "<{op}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{op}Result>{result}</{op}Result>\
         <ResponseMetadata><RequestId>req-{op}</RequestId></ResponseMetadata></{op}Response>"
    )
}

/// A GetCallerIdentity success for `arn`.
pub fn caller_identity(arn: &str) -> String {
    success(
        "GetCallerIdentity",
        &format!("<Arn>{arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"),
    )
}

/// A `<Credentials>` element with fixed fake values.
pub fn credentials() -> &'static str {
    "<Credentials><AccessKeyId>ASIAFAULTSERVER</AccessKeyId>\
     <SecretAccessKey>fault/secret</SecretAccessKey><SessionToken>fault-token</SessionToken>\
     <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
}

/// An STS error document.
pub fn error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>err-{code}</RequestId></ErrorResponse>"
    )
}
