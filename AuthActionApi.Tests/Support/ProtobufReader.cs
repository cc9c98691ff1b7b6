using System.Buffers.Binary;
using System.Text;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The protobuf wire format, read field by field without a schema or generated code: enough to walk an OTLP export
/// by the field numbers opentelemetry-proto gives. A caller skips the fields it does not know, as protobuf requires of
/// any reader; a field read as the wrong kind throws, so a wrong field number fails a test instead of reading nothing.
/// </summary>
public static class ProtobufReader
{
    /// <summary>How a field's value is encoded, from the low three bits of its key.</summary>
    public enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        LengthDelimited = 2,
        Fixed32 = 5,
    }

    /// <summary>The fields of one message, in the order they were written.</summary>
    public static IReadOnlyList<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var bytes = message.Span;
        var position = 0;
        while (position < bytes.Length)
        {
            var key = ReadVarint(bytes, ref position);
            var number = checked((int)(key >> 3));
            var wireType = (WireType)(key & 7);
            switch (wireType)
            {
                case WireType.Varint:
                    fields.Add(new Field(number, wireType, ReadVarint(bytes, ref position), default));
                    break;
                case WireType.Fixed64:
                    fields.Add(new Field(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(Take(bytes, ref position, 8)), default));
                    break;
                case WireType.LengthDelimited:
                    var length = checked((int)ReadVarint(bytes, ref position));
                    Take(bytes, ref position, length);
                    fields.Add(new Field(number, wireType, 0, message.Slice(position - length, length)));
                    break;
                case WireType.Fixed32:
                    fields.Add(new Field(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, ref position, 4)), default));
                    break;
                default:
                    throw new InvalidDataException($"Field {number} has wire type {(int)wireType}, which proto3 messages never use.");
            }
        }

        return fields;
    }

    /// <summary>The fields numbered <paramref name="number"/> that hold a message, each read as one.</summary>
    public static IEnumerable<IReadOnlyList<Field>> Messages(this IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => f.AsMessage());

    /// <summary>The one field numbered <paramref name="number"/>, or null when it was not written (proto3's default value).</summary>
    public static Field? One(this IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => (Field?)f).LastOrDefault();

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Take(bytes, ref position, 1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A varint runs over ten bytes.");
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> bytes, ref int position, int count)
    {
        if (count < 0 || position + count > bytes.Length)
        {
            throw new InvalidDataException($"A field at byte {position} runs past the end of its message ({bytes.Length} bytes).");
        }

        position += count;
        return bytes.Slice(position - count, count);
    }

    /// <summary>One field: its number, and its value as written (a number, or the bytes of a length-delimited field).</summary>
    public readonly record struct Field(int Number, WireType WireType, ulong Scalar, ReadOnlyMemory<byte> Bytes)
    {
        public IReadOnlyList<Field> AsMessage() => Fields(Expect(WireType.LengthDelimited).Bytes);

        public string AsString() => Encoding.UTF8.GetString(Expect(WireType.LengthDelimited).Bytes.Span);

        /// <summary>A <c>bytes</c> field (a trace or span id) as lower-case hex, as W3C trace context writes ids.</summary>
        public string AsHex() => Convert.ToHexStringLower(Expect(WireType.LengthDelimited).Bytes.Span);

        /// <summary>An <c>int64</c> or <c>int32</c> (two's complement varint), or an <c>enum</c>.</summary>
        public long AsInt64() => unchecked((long)Expect(WireType.Varint).Scalar);

        public bool AsBool() => Expect(WireType.Varint).Scalar != 0;

        /// <summary>An <c>sfixed64</c> (NumberDataPoint.as_int).</summary>
        public long AsSFixed64() => unchecked((long)Expect(WireType.Fixed64).Scalar);

        /// <summary>A <c>fixed64</c> (HistogramDataPoint.count).</summary>
        public ulong AsFixed64() => Expect(WireType.Fixed64).Scalar;

        public double AsDouble() => BitConverter.UInt64BitsToDouble(Expect(WireType.Fixed64).Scalar);

        private Field Expect(WireType wireType) => WireType == wireType
            ? this
            : throw new InvalidDataException($"Field {Number} has wire type {WireType}, not {wireType}: the wrong field number for this message?");
    }
}
