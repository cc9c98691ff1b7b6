using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;

namespace AuthActionApi.Controllers;

/// <summary>
/// An assembly as MVC looks for controllers in it, through its public types only. MVC's own <see cref="AssemblyPart"/>
/// loads every type of the assembly to find the public ones it keeps (a controller must be a public class), and
/// loading a type loads the assemblies it builds on: here the internal OpenAPI filters, and with them Swashbuckle and
/// Microsoft.OpenApi, in every environment, though only Development serves Swagger.
/// </summary>
internal sealed class PublicTypesPart(Assembly assembly) : ApplicationPart, IApplicationPartTypeProvider
{
    public override string Name => assembly.GetName().Name!;

    public IEnumerable<TypeInfo> Types => assembly.GetExportedTypes().Select(type => type.GetTypeInfo());

    /// <summary>Replaces each assembly MVC found by itself (the app's) with its public types.</summary>
    public static void ReplaceAssemblyParts(ApplicationPartManager parts)
    {
        for (var i = 0; i < parts.ApplicationParts.Count; i++)
        {
            if (parts.ApplicationParts[i] is AssemblyPart found)
            {
                parts.ApplicationParts[i] = new PublicTypesPart(found.Assembly);
            }
        }
    }
}
