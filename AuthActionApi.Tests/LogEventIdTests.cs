using System.Reflection;
using AuthActionApi.Authentication;
using Microsoft.Extensions.Logging;

namespace AuthActionApi.Tests;

/// <summary>Operators filter and alert on event ids, so across the whole app one id is one event.</summary>
public sealed class LogEventIdTests
{
    [Test]
    public void LoggerMessages_EachEventId_IsOneMethod()
    {
        var messages = typeof(Program).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(message => message.Attribute is not null)
            .ToList();

        var shared = messages
            .GroupBy(message => message.Attribute!.EventId)
            // The one event written by several methods: a refused token, whose audience and issuer lines add what the API expects.
            .Where(sameId => sameId.Key != AuthenticationEventIds.TokenRefused && sameId.Count() > 1)
            .Select(sameId => $"{sameId.Key}: {string.Join(", ", sameId.Select(message => $"{message.Method.DeclaringType!.FullName}.{message.Method.Name}"))}");

        messages.Should().HaveCountGreaterThan(10, "the app's [LoggerMessage] methods are found");
        shared.Should().BeEmpty("an id an operator filters on must name one event");
    }
}
