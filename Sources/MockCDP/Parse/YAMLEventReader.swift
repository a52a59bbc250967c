// The only file that sees libyaml: everything past this point works with Swift values, so
// the rest of the parser can be read and tested without knowing the C API.
internal import CYAML

/// One step of libyaml's event stream, copied out of C memory.
struct YAMLEvent {
    enum Kind {
        case streamStart
        case streamEnd
        /// `isExplicit` when the document starts with a `---` line.
        case documentStart(isExplicit: Bool)
        case documentEnd
        case alias(anchor: String)
        case scalar(String, style: YAMLNode.ScalarStyle, anchor: String?, tag: String?)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    /// Where the event starts, in Unicode scalars from the start of the text.
    var offset: Int
}

/// Reads YAML text as a stream of events with libyaml's pull parser.
///
/// The event API keeps anchors and aliases as they were written, which lets the composer
/// bound alias expansion itself instead of trusting a loader to do it.
final class YAMLEventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    /// libyaml reads from this buffer without copying it, so it lives as long as the parser.
    private let input: UnsafeMutableBufferPointer<UInt8>

    init(text: String) {
        let count = text.utf8.count
        input = .allocate(capacity: max(count, 1))
        _ = input.initialize(fromContentsOf: text.utf8)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) != 0 else {
            fatalError("libyaml could not allocate its parser")
        }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; after `streamEnd` libyaml keeps answering `streamEnd`.
    func next() throws(YAMLSyntaxFailure) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else {
            throw failure()
        }
        defer { yaml_event_delete(&event) }
        return YAMLEvent(kind: kind(of: event), offset: Int(event.start_mark.index))
    }

    private func kind(of event: yaml_event_t) -> YAMLEvent.Kind {
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(isExplicit: event.data.document_start.implicit == 0)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length),
                as: UTF8.self)
            let style: YAMLNode.ScalarStyle =
                scalar.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            return .scalar(
                text, style: style, anchor: string(scalar.anchor), tag: tag(scalar.tag))
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(anchor: string(start.anchor), tag: tag(start.tag))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(anchor: string(start.anchor), tag: tag(start.tag))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            // libyaml produces no other events; ending the stream is the safe reading.
            return .streamEnd
        }
    }

    private func failure() -> YAMLSyntaxFailure {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "the YAML could not be read"
        let context = state.context.map { String(cString: $0) }
        switch state.error {
        case YAML_READER_ERROR:
            // The reader reports byte offsets and the offending character, not marks.
            return YAMLSyntaxFailure(
                problem: problem, context: context,
                position: .utf8(Int(state.problem_offset)), contextPosition: nil,
                value: Int(state.problem_value))
        case YAML_MEMORY_ERROR:
            return YAMLSyntaxFailure(
                problem: "out of memory", context: nil, position: .scalars(0),
                contextPosition: nil, value: nil)
        default:
            return YAMLSyntaxFailure(
                problem: problem, context: context,
                position: .scalars(Int(state.problem_mark.index)),
                contextPosition: context == nil ? nil : .scalars(Int(state.context_mark.index)),
                value: nil)
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Tags written with the `!!` handle come back expanded; shorten them again so that
    /// messages and the checker see what the author wrote.
    private func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer) else { return nil }
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }
}
