namespace EstPortal.Components.Shared;

/// <summary>
/// The commands an installer runs to enroll a device with a bootstrap token, as the portal shows them after issuing
/// one token and prints them on the sheet of several (one text, so both say the same).
/// </summary>
public static class EnrollmentCommands
{
    /// <summary>The RFC 7030 §3.2.2 URL a profile's label addresses (the default paths without one).</summary>
    public static string EstUrl(string estRoot, string? label) => estRoot + EstServerAddress.WellKnownPath + (label is null ? "" : "/" + label);

    /// <summary>openssl makes the key and the PKCS#10 request, curl sends it with the token as HTTP Basic password (RFC 7030 §3.2.3).</summary>
    public static string Curl(string estUrl, string token, string commonName) =>
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\\n" +
        $"  -keyout device.key -subj \"/CN={commonName}\" -outform DER | base64 -w0 > device.csr.b64\n" +
        $"curl --cacert ca.pem --user \"any:{token}\" \\\n" +
        $"  --data-binary @device.csr.b64 -H \"Content-Type: application/pkcs10\" \\\n" +
        $"  {estUrl}/simpleenroll -o device.p7.b64\n" +
        "base64 -d device.p7.b64 | openssl pkcs7 -inform DER -print_certs -out device.crt";

    /// <summary>strongSwan 5.9.8's <c>pki --est</c> takes the server root and cannot address a label.</summary>
    public static string StrongSwan(string estRoot, string token) =>
        $"pki --est --url {estRoot} --in device.csr \\\n" +
        $"  --userpass any:{token} --cacert ca.pem";
}
