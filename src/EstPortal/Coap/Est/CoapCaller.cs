using EstPortal.DeviceAuth;

namespace EstPortal.Coap.Est;

/// <summary>
/// The DTLS client certificate as the enrollment pipeline's credential, exactly as HTTPS hands over its TLS client
/// certificate (RFC 9148 §3: the client authenticates in the handshake). The leaf is the credential; what else the
/// client sent after it (a manufacturer's intermediates, for an IDevID) goes along as path candidates.
/// </summary>
internal static class CoapCaller
{
    /// <summary>How the audit log and the metrics name this front door.</summary>
    public const string Transport = "coaps";

    public static PresentedCredentials Credentials(CoapPeer peer) =>
        new(null, peer.ClientChain.Count > 0 ? peer.ClientChain[0] : null) { ClientChain = peer.ClientChain.Skip(1).ToList() };
}
