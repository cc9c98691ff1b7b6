using AuthActionApi.Authentication.Refusals;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Logging;

/// <summary>The ranges <see cref="RefusalLogOptions"/> declares, checked by the source-generated validator.</summary>
[OptionsValidator]
internal sealed partial class RefusalLogOptionsAnnotations : IValidateOptions<RefusalLogOptions>;
