/// A binary min-heap: the smallest element is at hand, and adding or taking one costs a number
/// of moves logarithmic in the count.
///
/// Elements of equal rank come out in no particular order; callers whose output must not
/// depend on that give their elements a total order.
struct MinHeap<Element: Comparable> {
    private var elements: [Element] = []

    var isEmpty: Bool { elements.isEmpty }
    var count: Int { elements.count }

    /// The smallest element.
    var first: Element? { elements.first }

    mutating func insert(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element; the heap must not be empty.
    @discardableResult
    mutating func removeFirst() -> Element {
        let last = elements.removeLast()
        guard !elements.isEmpty else { return last }
        let first = elements[0]
        elements[0] = last
        siftDownFirst()
        return first
    }

    /// Changes the smallest element in place, then restores the order; cheaper than taking it
    /// out and putting it back. The heap must not be empty.
    mutating func updateFirst<Result>(_ change: (inout Element) -> Result) -> Result {
        let result = change(&elements[0])
        siftDownFirst()
        return result
    }

    private mutating func siftDownFirst() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < elements.count, elements[left] < elements[smallest] { smallest = left }
            if right < elements.count, elements[right] < elements[smallest] { smallest = right }
            guard smallest != parent else { return }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
