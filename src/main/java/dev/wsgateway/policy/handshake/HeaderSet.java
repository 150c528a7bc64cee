package dev.wsgateway.policy.handshake;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * A handshake request's headers, the HeaderSet: names case-insensitive, each with all its values, read-only, in
 * the order of a {@code TreeMap} with {@link String#CASE_INSENSITIVE_ORDER} (the first spelling of a name is the
 * one kept). Two sorted arrays rather than a tree: every relayed session keeps its HeaderSet for its whole life
 * (in the client session's user properties), and a tree of a handful of headers cost about three times as much.
 */
public final class HeaderSet extends AbstractMap<String, List<String>> {
    private final String[] names;
    private final List<String>[] values;

    @SuppressWarnings("unchecked")
    private HeaderSet(TreeMap<String, List<String>> sorted) {
        names = sorted.keySet().toArray(new String[0]);
        values = new List[names.length];
        int i = 0;
        for (List<String> v : sorted.values()) {
            values[i++] = List.copyOf(v);
        }
    }

    /** The HeaderSet of {@code headers} (names in any case; the values of names that differ only in case merged). */
    public static HeaderSet of(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, v) -> merged.computeIfAbsent(name, n -> new ArrayList<>()).addAll(v));
        return new HeaderSet(merged);
    }

    private int indexOf(Object name) {
        return name instanceof String s ? Arrays.binarySearch(names, s, String.CASE_INSENSITIVE_ORDER) : -1;
    }

    @Override
    public List<String> get(Object name) {
        int i = indexOf(name);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
