namespace AuthActionApi.LocalTenant;

/// <summary>How a token request authenticated its client, as RFC 6749 §2.3.1 and OAuth's metadata name the two ways.</summary>
internal enum ClientAuthentication
{
    /// <summary>No secret at all: the request is refused as <c>invalid_client</c>.</summary>
    None,

    /// <summary><c>client_secret_basic</c>: HTTP Basic, id and secret each form-encoded before Base64.</summary>
    ClientSecretBasic,

    /// <summary><c>client_secret_post</c>: <c>client_secret</c> in the body, as AuthAction's JSON carries it.</summary>
    ClientSecretPost,
}
